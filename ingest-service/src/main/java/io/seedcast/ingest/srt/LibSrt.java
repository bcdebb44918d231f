package io.seedcast.ingest.srt;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.List;

/** The part of libsrt's C API (srt.h, 1.5) that a listener needs, bound through JNA. */
public interface LibSrt extends Library {

    int SRT_ERROR = -1;
    int SRTO_RCVSYN = 2;
    int SRTO_RCVTIMEO = 14;
    int SRTO_LATENCY = 23;
    int SRTO_PASSPHRASE = 26;
    int SRTO_PBKEYLEN = 27;
    int SRTO_STREAMID = 46;
    /** SRT_REJC_PREDEFINED + 403 (forbidden) and + 404 (not found), as callers display them. */
    int REJECT_FORBIDDEN = 1403;
    int REJECT_NOT_FOUND = 1404;

    int srt_startup();

    int srt_cleanup();

    int srt_create_socket();

    int srt_bind(int socket, byte[] sockaddr, int length);

    int srt_listen(int socket, int backlog);

    int srt_getsockname(int socket, byte[] sockaddr, IntByReference length);

    int srt_accept(int socket, byte[] sockaddr, IntByReference length);

    int srt_close(int socket);

    int srt_recvmsg(int socket, byte[] buffer, int length);

    int srt_setsockflag(int socket, int option, byte[] value, int length);

    int srt_setsockflag(int socket, int option, IntByReference value, int length);

    int srt_getsockflag(int socket, int option, byte[] value, IntByReference length);

    String srt_getlasterror_str();

    int srt_setrejectreason(int socket, int reason);

    int srt_listen_callback(int socket, ListenCallback hook, Pointer opaque);

    /** srt_listen_callback_fn: called before a caller is accepted; -1 rejects it. */
    interface ListenCallback extends Callback {
        int invoke(Pointer opaque, int socket, int hsVersion, Pointer peerAddress, String streamId);
    }

    /** libsrt from Debian's libsrt1.5-openssl (or another build named in {@code library}); null if none loads. */
    static LibSrt load(String library, StringBuilder why) {
        List<String> names = library == null || library.isBlank() ? List.of("srt", "libsrt.so.1.5", "libsrt-gnutls.so.1.5") : List.of(library);
        for (String name : names) {
            try {
                return Native.load(name, LibSrt.class);
            } catch (UnsatisfiedLinkError e) {
                why.append(name).append(": ").append(e.getMessage().lines().findFirst().orElse("")).append("; ");
            }
        }
        return null;
    }
}
