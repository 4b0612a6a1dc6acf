import { type Platform, Type } from '@mikro-orm/core';
import { fromDecnetTime, toDecnetTime } from '../../decnet-format.js';

/**
 * Dates as DECNET stores them: naive UTC text `YYYY-MM-DD HH:MM:SS.ffffff` on SQLite (lexical
 * order is time order, so `ORDER BY ts` needs no cast), `timestamp without time zone` on
 * PostgreSQL, which takes the same text and answers it back (its type parser is set to text).
 */
export class DecnetDateType extends Type<Date, string> {
  override convertToDatabaseValue(value: Date | string, _platform: Platform): string {
    return value instanceof Date ? toDecnetTime(value) : value;
  }

  override convertToJSValue(value: string | Date, _platform: Platform): Date {
    return fromDecnetTime(value);
  }

  override getColumnType(): string {
    return 'datetime';
  }

  override compareAsType(): string {
    return 'string';
  }

  override get runtimeType(): string {
    return 'Date';
  }
}
