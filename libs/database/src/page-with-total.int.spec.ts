import { createPrismaClient, pageWithTotal, PrismaClient } from '@app/database';
import { createTestDatabase, TestDatabase } from '@app/testing';

/**
 * A list endpoint's page and its total come from one snapshot. Rows are committed one by one while the
 * page is read over and over; every read must count exactly the rows it returns (the page takes them all).
 */
describe('pageWithTotal', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.pool);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('never answers a total that disagrees with the rows it read, while rows are being committed', async () => {
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await db.pool.query(
          `INSERT INTO model_views (id, provider, name, version, family, classification, open_weights, status, registered_at, position)
           VALUES ($1, 'p', 'n', '1', 'f', 'c', false, 'available', now(), $2)`,
          [`m-${written}`, written],
        );
        written++;
      }
    })();
    const disagreements: string[] = [];
    let reads = 0;
    try {
      for (const deadline = Date.now() + 3000; Date.now() < deadline || reads < 100; reads++) {
        const [rows, total] = await pageWithTotal(prisma, prisma.modelView.findMany({ take: 100_000 }), prisma.modelView.count());
        if (rows.length !== total) disagreements.push(`${rows.length} rows, total ${total}`);
      }
    } finally {
      writing = false;
      await writer;
    }
    expect(written).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
  });
});
