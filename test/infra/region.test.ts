import { describe, expect, it } from 'vitest';
import { DEFAULT_REGION, EEA_REGIONS, resolveRegion } from '../../infra/region.ts';

const EEA_MESSAGE = /privacy policy promises storage in the EEA: region .* is not in the EEA/;

describe('resolveRegion: the EEA guard', () => {
  it.each([...EEA_REGIONS.keys()])('accepts %s from context', (region) => {
    // Prepare
    const sources = { contextRegion: region };

    // Act
    const resolved = resolveRegion(sources);

    // Assess
    expect(resolved).toBe(region);
  });

  it('lists exactly the six regions in EU/EEA countries', () => {
    // Prepare
    const expected = ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'];

    // Act
    const listed = [...EEA_REGIONS.keys()].sort();

    // Assess
    expect(listed).toEqual(expected);
  });

  it.each([
    ['us-east-1', 'the CLI fallback without AWS config'],
    ['eu-west-2', 'London: not EEA since Brexit'],
    ['eu-central-2', 'Zurich: Switzerland is not in the EEA'],
    ['EU-CENTRAL-1', 'not a region code'],
  ])('rejects %s (%s) naming the EEA and the allowed regions', (region) => {
    // Prepare
    const sources = { contextRegion: region };

    // Act
    const act = () => resolveRegion(sources);

    // Assess
    expect(act).toThrow(EEA_MESSAGE);
    expect(act).toThrow(`region ${region} is not in the EEA`);
    expect(act).toThrow(/use one of eu-central-1, eu-west-1, eu-west-3, eu-north-1, eu-south-1, eu-south-2/);
  });

  it('rejects an empty context region instead of falling back', () => {
    // Prepare
    const sources = { contextRegion: '', defaultRegion: 'eu-west-1' };

    // Act
    const act = () => resolveRegion(sources);

    // Assess
    expect(act).toThrow(EEA_MESSAGE);
    expect(act).toThrow(`region "" is not in the EEA (it came from CDK context 'region')`);
  });

  it('rejects a context region that is not a string', () => {
    // Prepare
    const sources = { contextRegion: 42 };

    // Act
    const act = () => resolveRegion(sources);

    // Assess
    expect(act).toThrow(/region 42 is not in the EEA/);
  });

  it('explains where a rejected CDK_DEFAULT_REGION comes from', () => {
    // Prepare
    const sources = { defaultRegion: 'us-east-1' };

    // Act
    const act = () => resolveRegion(sources);

    // Assess
    expect(act).toThrow(EEA_MESSAGE);
    expect(act).toThrow(/came from CDK_DEFAULT_REGION .*us-east-1 when it finds none/);
  });
});

describe('resolveRegion: precedence', () => {
  it('prefers CDK context over CDK_DEFAULT_REGION', () => {
    // Prepare
    const sources = { contextRegion: 'eu-north-1', defaultRegion: 'eu-west-1' };

    // Act
    const region = resolveRegion(sources);

    // Assess
    expect(region).toBe('eu-north-1');
  });

  it('lets an EEA context region override a non-EEA CDK_DEFAULT_REGION', () => {
    // Prepare
    const sources = { contextRegion: 'eu-west-3', defaultRegion: 'us-east-1' };

    // Act
    const region = resolveRegion(sources);

    // Assess
    expect(region).toBe('eu-west-3');
  });

  it('takes CDK_DEFAULT_REGION without context', () => {
    // Prepare
    const sources = { contextRegion: undefined, defaultRegion: 'eu-south-2' };

    // Act
    const region = resolveRegion(sources);

    // Assess
    expect(region).toBe('eu-south-2');
  });

  it('falls back to eu-central-1 when neither is given', () => {
    // Prepare
    const sources = {};

    // Act
    const region = resolveRegion(sources);

    // Assess
    expect(region).toBe('eu-central-1');
    expect(DEFAULT_REGION).toBe('eu-central-1');
  });
});
