import assert from 'node:assert/strict';
import { BatchBuilder } from '../../src/core/batch';

describe('BatchBuilder', () => {
  it('keeps only the bytes of a segment that is a view into a larger buffer (one copy, exact size)', () => {
    const pool = Buffer.alloc(65536, 0x20);
    const text = Buffer.from('{"eventID":"a"}');
    text.copy(pool, 100);
    const view = pool.subarray(100, 100 + text.length); // what zlib hands back for a small file
    const b = new BatchBuilder();
    const seg = b.addSegment(view);
    b.begin(seg, 0, text.length, 0);
    const { batch, transfer } = b.build();
    const kept = batch.segments[0];
    assert.equal(kept.byteLength, text.length);
    assert.equal(kept.buffer.byteLength, text.length, 'the 64 KiB buffer behind the view is not kept');
    assert.ok(transfer.includes(kept.buffer as ArrayBuffer));
    assert.equal(Buffer.from(kept).toString(), '{"eventID":"a"}');
  });

  it('moves a whole buffer without copying it', () => {
    const whole = new Uint8Array(Buffer.from('{"eventID":"b"}'));
    const b = new BatchBuilder();
    b.begin(b.addSegment(whole), 0, whole.length, 0);
    assert.equal(b.build().batch.segments[0], whole);
  });
});
