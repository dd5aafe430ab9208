import { describe, expect, it } from 'vitest';
import {
  costPerMillionEvents,
  DYNAMODB_PRICE_PER_READ_UNIT,
  DYNAMODB_PRICE_PER_WRITE_UNIT,
  KINESIS_PRICE_PER_PUT_PAYLOAD_UNIT,
  LAMBDA_ARM_PRICE_PER_GB_SECOND,
  LAMBDA_PRICE_PER_REQUEST,
} from '../../bench/cost.ts';

const NONE = {
  dynamoRequests: 0,
  dynamoReadUnits: 0,
  dynamoWriteUnits: 0,
  kinesisPutPayloadUnits: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
};

describe('costPerMillionEvents', () => {
  it('prices each unit at its eu-central-1 list price', () => {
    // Prepare
    const unit = (field: keyof typeof NONE) => costPerMillionEvents({ ...NONE, [field]: 1e6 });

    // Act
    const prices = {
      read: unit('dynamoReadUnits').dynamodb,
      write: unit('dynamoWriteUnits').dynamodb,
      put: unit('kinesisPutPayloadUnits').kinesis,
      invocation: unit('lambdaInvocations').lambda,
      gbSecond: unit('lambdaGbSeconds').lambda,
      requests: unit('dynamoRequests').total,
    };

    // Assess: a million of each, in USD
    expect(prices.read).toBeCloseTo(0.1525, 10);
    expect(prices.write).toBeCloseTo(0.7625, 10);
    expect(prices.put).toBeCloseTo(0.0175, 10);
    expect(prices.invocation).toBeCloseTo(0.2, 10);
    expect(prices.gbSecond).toBeCloseTo(13.3334, 6);
    // On-demand DynamoDB bills capacity units, not requests.
    expect(prices.requests).toBe(0);
  });

  it('adds the services up for a measured mix', () => {
    // Prepare
    const usage = {
      dynamoRequests: 1.5e6,
      dynamoReadUnits: 1.2e6,
      dynamoWriteUnits: 2.1e6,
      kinesisPutPayloadUnits: 1e6,
      lambdaInvocations: 2_000,
      lambdaGbSeconds: 400,
    };

    // Act
    const cost = costPerMillionEvents(usage);

    // Assess
    expect(cost.dynamodb).toBeCloseTo(
      1.2e6 * DYNAMODB_PRICE_PER_READ_UNIT + 2.1e6 * DYNAMODB_PRICE_PER_WRITE_UNIT,
      10,
    );
    expect(cost.kinesis).toBeCloseTo(1e6 * KINESIS_PRICE_PER_PUT_PAYLOAD_UNIT, 10);
    expect(cost.lambda).toBeCloseTo(
      2_000 * LAMBDA_PRICE_PER_REQUEST + 400 * LAMBDA_ARM_PRICE_PER_GB_SECOND,
      10,
    );
    expect(cost.total).toBeCloseTo(cost.dynamodb + cost.kinesis + cost.lambda, 10);
    expect(cost.total).toBeCloseTo(1.81, 2);
  });

  it.each([
    ['dynamoWriteUnits', -1],
    ['lambdaGbSeconds', Number.NaN],
    ['kinesisPutPayloadUnits', Number.POSITIVE_INFINITY],
  ])('refuses %s = %s naming the field', (field, value) => {
    // Prepare
    const usage = { ...NONE, [field]: value };

    // Act
    const act = () => costPerMillionEvents(usage);

    // Assess
    expect(act).toThrow(`cost: ${field}: expected a finite number >= 0`);
  });
});
