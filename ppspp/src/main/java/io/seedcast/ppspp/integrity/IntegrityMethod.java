package io.seedcast.ppspp.integrity;

/** The Content Integrity Protection Method option. */
// RFC 7574 §7.5
public enum IntegrityMethod {
    NONE(0),
    MERKLE_HASH_TREE(1),
    SIGN_ALL(2),
    UNIFIED_MERKLE_TREE(3);

    private final int code;

    IntegrityMethod(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean isLive() {
        return this == SIGN_ALL || this == UNIFIED_MERKLE_TREE;
    }

    public boolean usesMerkleTree() {
        return this == MERKLE_HASH_TREE || this == UNIFIED_MERKLE_TREE;
    }

    public static IntegrityMethod ofCode(int code) {
        for (IntegrityMethod m : values()) {
            if (m.code == code) {
                return m;
            }
        }
        return null;
    }

    /** From a command line or config: {@code umt}, {@code sign-all}, {@code merkle}, {@code none}. */
    public static IntegrityMethod parse(String text) {
        return switch (text.trim().toLowerCase()) {
            case "umt", "unified-merkle-tree" -> UNIFIED_MERKLE_TREE;
            case "sign-all", "signall" -> SIGN_ALL;
            case "merkle", "merkle-hash-tree" -> MERKLE_HASH_TREE;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("unknown integrity method '" + text + "': use umt or sign-all");
        };
    }
}
