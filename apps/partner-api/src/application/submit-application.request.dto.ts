import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsISO31661Alpha2, IsNumber, IsObject, IsString, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';

export class BeneficialOwnerDto {
  @IsString() @Length(1, 200) name: string;
  @IsISO31661Alpha2() nationality: string;
  @IsNumber() @Min(0) @Max(100) ownershipPercent: number;
}

export class SubmitApplicationRequestDto {
  @IsString() @Length(1, 300) legalName: string;
  @IsString() @Length(1, 100) registrationNumber: string;
  @IsISO31661Alpha2() countryOfIncorporation: string;
  @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) @Length(1, 500, { each: true }) addresses: string[];
  @IsArray() @ArrayMaxSize(50) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => BeneficialOwnerDto) beneficialOwners: BeneficialOwnerDto[];
  @IsString() @Length(1, 2000) intendedUse: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$/, { each: true }) requestedModels: string[];
}

export class ResubmitApplicationRequestDto extends SubmitApplicationRequestDto {
  /** The answer to the reviewer's request for information. */
  @IsString() @Length(1, 5000) response: string;
}
