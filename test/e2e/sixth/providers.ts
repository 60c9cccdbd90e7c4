// The registry of the test-only build: the built-in providers and the sixth. This is the one line
// a new source adds (src/providers/registry.ts has the same list without it).
import { PROVIDERS } from '../../../src/providers/registry';
import { sixthDescriptor } from '../../support/sixthProvider/descriptor';

export const SIXTH_PROVIDERS = [...PROVIDERS, sixthDescriptor];
