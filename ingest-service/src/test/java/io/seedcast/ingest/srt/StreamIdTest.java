package io.seedcast.ingest.srt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamIdTest {

    @Test
    void theThreeFormsOBSAndFfmpegUse() {
        assertEquals("abc", StreamId.parse("#!::r=live/abc,m=publish").orElseThrow().key());
        assertEquals("abc", StreamId.parse("#!::m=publish,r=abc").orElseThrow().key());
        assertEquals("abc", StreamId.parse("live/abc").orElseThrow().key());
        assertEquals("abc", StreamId.parse("abc").orElseThrow().key());
        assertTrue(StreamId.parse("live/abc").orElseThrow().publishing());
    }

    @Test
    void playersAndEmptyKeysAreNotPublishers() {
        assertFalse(StreamId.parse("#!::r=live/abc,m=request").orElseThrow().publishing());
        assertTrue(StreamId.parse("").isEmpty());
        assertTrue(StreamId.parse(null).isEmpty());
        assertTrue(StreamId.parse("live/").isEmpty());
        assertTrue(StreamId.parse("#!::m=publish").isEmpty());
    }
}
