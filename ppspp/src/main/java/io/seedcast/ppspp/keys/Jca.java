package io.seedcast.ppspp.keys;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/** The one BouncyCastle provider instance; never installed globally, always passed explicitly. */
final class Jca {
    static final Provider BC = new BouncyCastleProvider();

    private Jca() {
    }
}
