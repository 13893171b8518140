import { customType, timestamp } from 'drizzle-orm/pg-core';

/** Column helpers every domain's tables share. */
export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
