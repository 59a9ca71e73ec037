import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Pagination of every queue and list: `limit` (1 to 200, default 50) and `offset`. */
export class PageQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000) offset?: number;

  static page(query: PageQueryDto, defaultLimit = 50): { take: number; skip: number } {
    return { take: query.limit ?? defaultLimit, skip: query.offset ?? 0 };
  }
}
