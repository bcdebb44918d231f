package io.seedcast.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What the services under test log, for assertions: a handler on the {@code io.seedcast} logger of java.util.logging,
 * which JBoss LogManager (Quarkus's, and the tests') implements. Messages are kept formatted, with their level.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new ArrayList<>();
    private final SimpleFormatter plain = new SimpleFormatter();

    public LogCapture() {
        this("io.seedcast");
    }

    public LogCapture(String loggerName) {
        logger = Logger.getLogger(loggerName);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        String line = r.getLevel() + " " + shortName(r.getLoggerName()) + ": " + format(r);
        synchronized (lines) {
            lines.add(line);
        }
    }

    /** JBoss LogManager's records format printf-style messages themselves; plain JUL records use {0} parameters. */
    private String format(LogRecord r) {
        try {
            return (String) r.getClass().getMethod("getFormattedMessage").invoke(r);
        } catch (ReflectiveOperationException e) {
            return plain.formatMessage(r);
        }
    }

    private static String shortName(String name) {
        return name == null ? "" : name.substring(name.lastIndexOf('.') + 1);
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public boolean contains(String text) {
        return lines().stream().anyMatch(l -> l.contains(text));
    }

    /** Waits up to {@code millis} for a line containing {@code text}. */
    public boolean await(String text, long millis) throws InterruptedException {
        return await(l -> l.contains(text), millis);
    }

    public boolean await(Predicate<String> line, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (lines().stream().anyMatch(line)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join("\n", lines());
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
