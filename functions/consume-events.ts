import { consumeDepsFromEnv } from '../src/pipeline/deps.ts';
import { streamHandler } from '../src/pipeline/stream-handler.ts';
import { once } from '../src/shared/once.ts';

const deps = once(consumeDepsFromEnv);

/** The Kinesis consumer: each batch of the event stream decided, stored, and counted in metrics. */
export const handler = streamHandler(deps);
