import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { BatchBuilder } from '../../src/core/batch';
import { inflateBlock, MAX_WHOLE_GZIP, MIN_COMPRESSED_SEGMENT } from '../../src/core/rawSegment';

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
    const kept = batch.segments[0].blocks[0].data;
    assert.equal(batch.segments[0].blocks[0].codec, 'none', 'too small to be worth compressing');
    assert.equal(kept.byteLength, text.length);
    assert.equal(kept.buffer.byteLength, text.length, 'the 64 KiB buffer behind the view is not kept');
    assert.ok(transfer.includes(kept.buffer as ArrayBuffer));
    assert.equal(Buffer.from(kept).toString(), '{"eventID":"a"}');
  });

  it('moves a small whole buffer without copying it', () => {
    const whole = new Uint8Array(Buffer.from('{"eventID":"b"}'));
    const b = new BatchBuilder();
    b.begin(b.addSegment(whole), 0, whole.length, 0);
    assert.equal(b.build().batch.segments[0].blocks[0].data, whole);
  });

  it('deflates a larger segment in blocks that inflate back to exactly its bytes', () => {
    const text = Buffer.from(Array.from({ length: 20000 }, (_, i) => `{"eventID":"e${i}","eventName":"Get${i % 7}"}`).join(','));
    assert.ok(text.length > 2 * 256 * 1024 && text.length > MIN_COMPRESSED_SEGMENT);
    const b = new BatchBuilder();
    b.begin(b.addSegment(text), 0, text.length, 0);
    const { batch, transfer } = b.build();
    const seg = batch.segments[0];
    assert.equal(seg.size, text.length);
    assert.ok(seg.blocks.length >= 3);
    assert.ok(seg.blocks.every((blk) => blk.codec === 'deflate-raw' && transfer.includes(blk.data.buffer as ArrayBuffer)));
    assert.deepEqual(Buffer.concat(seg.blocks.map(inflateBlock)), text);
  });

  it('keeps a gzip stream given for a segment as its only block, unless the segment was compacted or is too big', () => {
    const text = Buffer.from(JSON.stringify({ Records: Array.from({ length: 200 }, (_, i) => ({ eventID: `e${i}` })) }));
    const gz = zlib.gzipSync(text);
    const b = new BatchBuilder();
    b.begin(b.addSegment(text, gz), 12, 30, 0);
    const seg = b.build().batch.segments[0];
    assert.deepEqual(seg.blocks.map((x) => x.codec), ['gzip']);
    assert.deepEqual(Buffer.from(seg.blocks[0].data), gz);
    assert.deepEqual(inflateBlock(seg.blocks[0]), text);

    // One small record in a lot of padding: only the record's bytes are kept, so not the gzip stream.
    const padded = Buffer.concat([Buffer.from('{"Records":[{"eventID":"p"}'), Buffer.alloc(256 * 1024, 0x20), Buffer.from(']}')]);
    const c = new BatchBuilder();
    c.begin(c.addSegment(padded, zlib.gzipSync(padded)), 12, 27, 0);
    const compacted = c.build().batch;
    assert.deepEqual(compacted.segments[0].blocks.map((x) => x.codec), ['none']);
    assert.equal(Buffer.from(compacted.segments[0].blocks[0].data).toString(), '{"eventID":"p"}');

    const big = Buffer.alloc(MAX_WHOLE_GZIP + 1, 0x61);
    const d = new BatchBuilder();
    d.begin(d.addSegment(big, zlib.gzipSync(big)), 0, big.length, 0);
    const blocks = d.build().batch.segments[0].blocks;
    assert.ok(blocks.length > 1 && blocks.every((x) => x.codec !== 'gzip'), 'a big file is re-blocked, so one event never costs inflating all of it');
  });
});
