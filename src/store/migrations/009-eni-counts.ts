// Frozen once released: never edit, add a new migration instead. Imports nothing from the app.
//
// Counting the ENIs of a VPC on every request stopped scaling: at 50,000 ENIs in a VPC the COUNT(*)
// behind DescribeNetworkInterfaces' total, and behind the per-VPC ENI quota of every create, cost
// ten times the page itself. Each VPC now keeps its ENI count, changed in the transaction that adds
// or removes the ENI (the store does it, in insertEni and deleteEni); it is filled here from the
// rows for databases written before this version.
//
// Deep pages: the listing orders by (created_at, id) or (name, id), newest or oldest first. The
// indexes of 002 stop at created_at, so the tie-break on id made both engines fetch and sort every
// ENI of the VPC to skip an OFFSET of 49,980 (27 ms on SQLite, 57 ms on PostgreSQL). Ending the
// index with the whole ORDER BY lets the engine walk it in the answer's order and stop after the page.
// The name order sorts by code point (`bytewise`, the engine's collation for that), so its index does.

export const version = 9;

export function up(t: { bytewise: string }): string[] {
  return [
    'ALTER TABLE vpcs ADD COLUMN eni_count INTEGER NOT NULL DEFAULT 0',
    'UPDATE vpcs SET eni_count = (SELECT COUNT(*) FROM enis WHERE enis.vpc_id = vpcs.id)',
    'DROP INDEX enis_by_vpc',
    'CREATE INDEX enis_by_vpc ON enis (vpc_id, app_id, region, created_at, id)',
    `CREATE INDEX enis_by_vpc_name ON enis (vpc_id, app_id, region, name${t.bytewise}, id)`,
  ];
}
