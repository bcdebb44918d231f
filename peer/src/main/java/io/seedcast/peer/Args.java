package io.seedcast.peer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line options as {@code --name value}; every complaint names the option and what to write instead. */
final class Args {

    private final Map<String, List<String>> values = new HashMap<>();

    Args(String[] argv, int from, Set<String> known) {
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
            if (value == null) {
                if (i + 1 >= argv.length) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = argv[++i];
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
    }

    String get(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.getLast();
    }

    String require(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    long number(String name, long fallback, long min, long max) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v + "'");
        }
    }

    /** A duration such as {@code 50ms}, {@code 1.5s} or {@code 50} (milliseconds). */
    java.time.Duration duration(String name, java.time.Duration fallback) {
        String v = get(name, null);
        if (v == null) {
            return fallback;
        }
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            double n;
            if (t.endsWith("ms")) {
                n = Double.parseDouble(t.substring(0, t.length() - 2));
            } else if (t.endsWith("s")) {
                n = Double.parseDouble(t.substring(0, t.length() - 1)) * 1000;
            } else {
                n = Double.parseDouble(t);
            }
            if (n < 0 || n > 3_600_000) {
                throw new UsageException("--" + name + " must be between 0 and 1 h, got '" + v + "'");
            }
            return java.time.Duration.ofNanos((long) (n * 1_000_000));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a duration like 50ms or 1s, got '" + v + "'");
        }
    }

    /** A fraction given as {@code 3%} or {@code 0.03}, below 1. */
    double fraction(String name) {
        String v = get(name, null);
        if (v == null) {
            return 0;
        }
        String t = v.trim();
        try {
            double f = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100 : Double.parseDouble(t);
            if (!(f >= 0 && f < 1)) {
                throw new UsageException("--" + name + " must be a fraction from 0 to under 100%, got '" + v + "'");
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a percentage like 3% or a fraction like 0.03, got '" + v + "'");
        }
    }

    static InetSocketAddress address(String option, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new UsageException("--" + option + " must be HOST:PORT, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + option + " port must be a number, got '" + hostPort.substring(colon + 1) + "'");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--" + option + " port must be 0–65535, got " + port);
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new UsageException("--" + option + ": cannot resolve host '" + host + "'");
        }
        return a;
    }

    /** A mistake on the command line: printed with the usage, exit status 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
