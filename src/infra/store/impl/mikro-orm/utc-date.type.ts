import { type Platform, Type } from '@mikro-orm/core';

/**
 * Dates as ISO-8601 UTC text (`2025-01-02T03:04:05.678Z`): unambiguous for an operator reading
 * the file with sqlite3, and lexical order equals time order, so `ORDER BY ts` needs no cast.
 */
export class UtcDateType extends Type<Date, string> {
  override convertToDatabaseValue(value: Date | string, _platform: Platform): string {
    return value instanceof Date ? value.toISOString() : value;
  }

  override convertToJSValue(value: string | Date, _platform: Platform): Date {
    return value instanceof Date ? value : new Date(value);
  }

  override getColumnType(): string {
    return 'text';
  }

  override compareAsType(): string {
    return 'string';
  }

  override get runtimeType(): string {
    return 'Date';
  }
}
