/** A 100-row report of ~10 KB as JSON: what compression is for, with 100 rows to check on reading. */
export function largeValue(): { title: string; rows: { id: number; name: string; status: string }[] } {
  return {
    title: 'monthly report',
    rows: Array.from({ length: 100 }, (_, id) => ({ id, name: `customer ${id}`, status: 'active' })),
  };
}
