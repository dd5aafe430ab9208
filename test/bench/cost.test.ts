import { describe, expect, it } from 'vitest';
import { IP_DATA_FUNCTION_MEMORY_MB } from '../../infra/api-functions.ts';
import {
  API_GATEWAY_REST_PRICE_PER_REQUEST,
  costPerMillionEvents,
  costPerMillionScoreCalls,
  DYNAMODB_PRICE_PER_READ_UNIT,
  DYNAMODB_PRICE_PER_WRITE_UNIT,
  KINESIS_PRICE_PER_PUT_PAYLOAD_UNIT,
  LAMBDA_ARM_PRICE_PER_GB_SECOND,
  LAMBDA_PRICE_PER_REQUEST,
  printCost,
  usageFromPipeline,
  usageFromScore,
} from '../../bench/cost.ts';
import { DEFAULT_CONFIG } from '../../infra/config.ts';
import { CONSUMER_EVENT_SOURCE } from '../../src/shared/streams.ts';

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

describe('usageFromPipeline', () => {
  const measured = {
    events: 50_000,
    eventsPerSecond: 250,
    requestsPerEvent: 0.68,
    readUnitsPerEvent: 1.83,
    writeUnitsPerEvent: 3.56,
  };

  it('scales the measured DynamoDB figures and the events sizes to a million events', () => {
    // Prepare: two small events and one of 30 KB (two PUT payload units)
    const lines = ['{"a":1}', '{"b":2}', 'x'.repeat(30 * 1024)];

    // Act
    const usage = usageFromPipeline(measured, lines);

    // Assess
    expect(usage.dynamoRequests).toBeCloseTo(0.68e6, 3);
    expect(usage.dynamoReadUnits).toBeCloseTo(1.83e6, 3);
    expect(usage.dynamoWriteUnits).toBeCloseTo(3.56e6, 3);
    expect(usage.kinesisPutPayloadUnits).toBeCloseTo((4 / 3) * 1e6, 3);
  });

  it('charges Lambda full batches for the time a batch took on the local stack, at the deployed memory', () => {
    // Prepare
    const lines = ['{}'];
    const batches = 1e6 / CONSUMER_EVENT_SOURCE.batchSize;

    // Act
    const usage = usageFromPipeline(measured, lines);

    // Assess
    expect(usage.lambdaInvocations).toBe(batches);
    expect(usage.lambdaGbSeconds).toBeCloseTo(
      batches * (CONSUMER_EVENT_SOURCE.batchSize / 250) * (DEFAULT_CONFIG.consumer.memoryMb / 1024),
      6,
    );
  });

  it('prints the total and each service', () => {
    // Prepare
    const printed: string[] = [];

    // Act
    const cost = printCost(usageFromPipeline(measured, ['{}']), (line) => printed.push(line));

    // Assess
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(
      /^cost per million events, eu-central-1 list prices .*: \$\d+\.\d\d = DynamoDB \$/,
    );
    expect(printed[0]).toContain('3.56 WRU + 1.83 RRU per event');
    expect(cost.total).toBeCloseTo(cost.dynamodb + cost.kinesis + cost.lambda, 10);
  });
});

describe('costPerMillionScoreCalls', () => {
  it('prices API Gateway REST requests, the score function and its strongly consistent reads', () => {
    // Prepare
    const measured = { msPerCall: 11.2, itemsPerCall: 10 };

    // Act
    const usage = usageFromScore(measured);
    const cost = costPerMillionScoreCalls(usage);

    // Assess: a million calls, each billed 12 ms at the score function's memory, 10 RRU each
    expect(usage).toEqual({
      apiRequests: 1e6,
      lambdaInvocations: 1e6,
      lambdaGbSeconds: 12_000 * (IP_DATA_FUNCTION_MEMORY_MB / 1024),
      dynamoReadUnits: 10e6,
    });
    expect(API_GATEWAY_REST_PRICE_PER_REQUEST * 1e6).toBeCloseTo(3.7, 10);
    expect(cost.apiGateway).toBeCloseTo(3.7, 10);
    expect(cost.lambda).toBeCloseTo(0.2 + usage.lambdaGbSeconds * LAMBDA_ARM_PRICE_PER_GB_SECOND, 10);
    expect(cost.dynamodb).toBeCloseTo(10 * 0.1525, 10);
    expect(cost.total).toBeCloseTo(cost.apiGateway + cost.lambda + cost.dynamodb, 10);
  });

  it('refuses a figure that is not a number, naming it', () => {
    // Prepare
    const usage = { ...usageFromScore({ msPerCall: 10, itemsPerCall: 8 }), dynamoReadUnits: Number.NaN };

    // Act
    const act = () => costPerMillionScoreCalls(usage);

    // Assess
    expect(act).toThrow(/dynamoReadUnits: expected a finite number/);
  });
});
