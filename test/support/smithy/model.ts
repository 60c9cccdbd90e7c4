// AWS's Smithy models as pinned in contracts/smithy/ (trimmed by scripts/contracts/trimSmithy.mjs),
// loaded once per service and read through a few typed lookups.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

export type AwsService = 'cloudtrail' | 'athena' | 's3';

const Traits = z.record(z.string(), z.unknown());
const Ref = z.object({ target: z.string(), traits: Traits.optional() });
const Shape = z.object({
  type: z.string(),
  traits: Traits.optional(),
  members: z.record(z.string(), Ref).optional(),
  member: Ref.optional(),
  key: Ref.optional(),
  value: Ref.optional(),
  input: Ref.optional(),
  output: Ref.optional(),
  errors: z.array(Ref).optional(),
  operations: z.array(Ref).optional(),
});
const ModelFile = z.object({ smithy: z.string(), shapes: z.record(z.string(), Shape) });

export type SmithyShape = z.infer<typeof Shape>;
export type SmithyRef = z.infer<typeof Ref>;
export type SmithyTraits = Record<string, unknown>;

/** The simple types the prelude (`smithy.api#`) defines, by shape name. */
const PRELUDE: Record<string, string> = {
  String: 'string',
  Blob: 'blob',
  BigInteger: 'bigInteger',
  BigDecimal: 'bigDecimal',
  Timestamp: 'timestamp',
  Document: 'document',
  Boolean: 'boolean',
  PrimitiveBoolean: 'boolean',
  Byte: 'byte',
  PrimitiveByte: 'byte',
  Short: 'short',
  PrimitiveShort: 'short',
  Integer: 'integer',
  PrimitiveInteger: 'integer',
  Long: 'long',
  PrimitiveLong: 'long',
  Float: 'float',
  PrimitiveFloat: 'float',
  Double: 'double',
  PrimitiveDouble: 'double',
  Unit: 'structure',
};

export const CONTRACTS_DIR = path.resolve(__dirname, '../../../../contracts/smithy');

export class SmithyModel {
  readonly serviceId: string;
  readonly namespace: string;
  /** The service shape's name: the X-Amz-Target prefix of the JSON protocols. */
  readonly serviceName: string;
  readonly protocol: 'awsJson1_0' | 'awsJson1_1' | 'restXml';
  private readonly operationIds: Set<string>;

  constructor(
    readonly name: AwsService,
    readonly shapes: Record<string, SmithyShape>,
  ) {
    const service = Object.entries(shapes).find(([, s]) => s.type === 'service');
    if (!service) throw new Error(`${name}: no service shape`);
    this.serviceId = service[0];
    [this.namespace, this.serviceName] = this.serviceId.split('#');
    const traits = service[1].traits ?? {};
    this.protocol = 'aws.protocols#awsJson1_1' in traits ? 'awsJson1_1' : 'aws.protocols#awsJson1_0' in traits ? 'awsJson1_0' : 'aws.protocols#restXml' in traits ? 'restXml' : (() => { throw new Error(`${name}: a protocol the checks do not know`); })();
    this.operationIds = new Set((service[1].operations ?? []).map((o) => o.target));
  }

  /** A shape by id; prelude ids give a bare shape of their type. */
  shape(id: string): SmithyShape {
    if (id.startsWith('smithy.api#')) {
      const type = PRELUDE[id.slice('smithy.api#'.length)];
      if (!type) throw new Error(`${this.name}: unknown prelude shape ${id}`);
      return type === 'structure' ? { type, members: {} } : { type };
    }
    const s = this.shapes[id];
    if (!s) throw new Error(`${this.name}: ${id} is not in the pinned model`);
    return s;
  }

  /** The operation shape for a name, if the pinned model has it (only the operations we call are pinned). */
  operation(name: string): SmithyShape | undefined {
    const id = `${this.namespace}#${name}`;
    return this.operationIds.has(id) ? this.shapes[id] : undefined;
  }

  operationNames(): string[] {
    return [...this.operationIds].map((id) => id.split('#')[1]);
  }

  /** The error shape ids an operation may answer with: its own and the service's. */
  errorsOf(operation: string): Map<string, string> {
    const op = this.operation(operation);
    const out = new Map<string, string>();
    for (const e of [...(op?.errors ?? []), ...(this.shapes[this.serviceId].errors ?? [])]) out.set(e.target.split('#')[1], e.target);
    return out;
  }

  /** The HTTP status the model gives an error shape (@httpError, else 400 for client and 500 for server errors). */
  errorStatus(errorId: string): number {
    const t = this.shape(errorId).traits ?? {};
    if (typeof t['smithy.api#httpError'] === 'number') return t['smithy.api#httpError'];
    return t['smithy.api#error'] === 'server' ? 500 : 400;
  }
}

const cache = new Map<AwsService, SmithyModel>();

export function loadModel(name: AwsService): SmithyModel {
  let m = cache.get(name);
  if (!m) {
    const file = ModelFile.parse(JSON.parse(readFileSync(path.join(CONTRACTS_DIR, `${name}.json`), 'utf8')));
    m = new SmithyModel(name, file.shapes);
    cache.set(name, m);
  }
  return m;
}
