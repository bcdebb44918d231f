package io.seedcast.injector.api;

import io.seedcast.injector.InjectorService;
import io.seedcast.pipeline.ChannelRecord;
import io.seedcast.pipeline.StreamKeys;
import io.seedcast.pipeline.SwarmCommand;
import io.seedcast.pipeline.SwarmRecord;
import io.seedcast.ppspp.Bytes;
import io.seedcast.ppspp.chunk.ChunkAddressing;
import io.seedcast.ppspp.integrity.IntegrityMethod;
import io.seedcast.ppspp.integrity.MerkleHashFunction;
import io.seedcast.ppspp.keys.SignatureAlgorithm;
import io.seedcast.ppspp.live.Profile;
import io.seedcast.ppspp.live.SwarmParameters;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Channels and their stream keys; swarm metadata for viewers; rotation and revocation for operators. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ChannelResource {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final InjectorService service;

    public ChannelResource(InjectorService service) {
        this.service = service;
    }

    /** What an operator may set when creating a channel; everything has a default. */
    public record NewChannel(String name, String integrity, String algorithm, String hash, Integer chunkSize, Integer chunksPerSignature,
            Long discardWindow, String profile, String chunkAddressing) {
    }

    @POST
    @Path("/channels")
    public Response create(NewChannel req) throws Exception {
        if (req == null || req.name() == null || req.name().isBlank()) {
            return bad("'name' is required: a label for the channel, e.g. {\"name\": \"Main stage\"}");
        }
        if (req.name().length() > 200) {
            return bad("'name' is at most 200 characters");
        }
        SwarmParameters params;
        try {
            Profile profile = Profile.parse(req.profile() == null ? "rfc7574" : req.profile());
            params = SwarmParameters.defaults(profile);
            if (req.integrity() != null) {
                params = params.withIntegrity(IntegrityMethod.parse(req.integrity()));
            }
            if (req.algorithm() != null) {
                params = params.withAlgorithm(SignatureAlgorithm.parse(req.algorithm()));
            }
            if (req.hash() != null) {
                params = params.withHash(MerkleHashFunction.parse(req.hash()));
            }
            if (req.chunkSize() != null) {
                params = params.withChunkSize(req.chunkSize());
            }
            if (req.chunksPerSignature() != null) {
                params = params.withChunksPerSignature(req.chunksPerSignature());
            }
            if (req.discardWindow() != null) {
                params = params.withDiscardWindow(req.discardWindow());
            }
            if (req.chunkAddressing() != null) {
                params = params.withAddressing(ChunkAddressing.parse(req.chunkAddressing()));
            }
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        String id = UUID.randomUUID().toString().substring(0, 8);
        String streamKey = newStreamKey();
        ChannelRecord c = new ChannelRecord(id, req.name().strip(), List.of(StreamKeys.hash(streamKey)), params);
        service.state().put(c);
        Map<String, Object> created = withKey(c, streamKey);
        String fragmented = params.fragmentationWarning();
        if (fragmented != null) {
            created.put("warnings", List.of(fragmented));
        }
        return Response.status(201).entity(created).build();
    }

    @GET
    @Path("/channels")
    public List<Map<String, Object>> list() {
        return service.state().channels().stream().map(this::view).toList();
    }

    @GET
    @Path("/channels/{id}")
    public Response get(@PathParam("id") String id) {
        return service.state().channel(id).map(c -> Response.ok(view(c)).build()).orElseGet(() -> notFound(id));
    }

    /** A new stream key; the old one stops working (ingest reads the new hash from the channel record). */
    @POST
    @Path("/channels/{id}/stream-key")
    public Response newKey(@PathParam("id") String id) throws Exception {
        var c = service.state().channel(id);
        if (c.isEmpty()) {
            return notFound(id);
        }
        String streamKey = newStreamKey();
        ChannelRecord updated = new ChannelRecord(id, c.get().name(), List.of(StreamKeys.hash(streamKey)), c.get().parameters());
        service.state().put(updated);
        return Response.ok(withKey(updated, streamKey)).build();
    }

    @DELETE
    @Path("/channels/{id}")
    public Response delete(@PathParam("id") String id) throws Exception {
        if (service.state().channel(id).isEmpty()) {
            return notFound(id);
        }
        service.state().delete(id);
        return Response.noContent().build();
    }

    /** Rolls the channel's live swarm over to a fresh key at the next keyframe (the signer does it). */
    @POST
    @Path("/channels/{id}/rotate")
    public Response rotate(@PathParam("id") String id) throws Exception {
        if (service.state().channel(id).isEmpty()) {
            return notFound(id);
        }
        SwarmCommand cmd = new SwarmCommand(UUID.randomUUID().toString(), id, SwarmCommand.Action.ROTATE, null, System.currentTimeMillis());
        service.state().command(cmd);
        return Response.accepted(Map.of("command", cmd.commandId(), "action", "ROTATE", "channel", id,
                "next", "the successor swarm appears in GET /api/channels/" + id + "/swarm at the next keyframe")).build();
    }

    /** Revokes a swarm: its key signs nothing more, seeders stop serving it, a successor starts at once. */
    @POST
    @Path("/swarms/{swarmId}/revoke")
    public Response revoke(@PathParam("swarmId") String swarmId) throws Exception {
        var s = service.state().swarmByHex(swarmId);
        if (s.isEmpty()) {
            return Response.status(404).entity(Map.of("error", "no swarm with ID " + swarmId)).build();
        }
        SwarmCommand cmd = new SwarmCommand(UUID.randomUUID().toString(), s.get().channelId(), SwarmCommand.Action.REVOKE, s.get().swarmId(),
                System.currentTimeMillis());
        service.state().command(cmd);
        return Response.accepted(Map.of("command", cmd.commandId(), "action", "REVOKE", "swarm", swarmId)).build();
    }

    /** Master key versions, the active one, and swarm keys per version: asked of the signer. */
    @GET
    @Path("/keys")
    public Response keys() {
        var url = service.config().signerUrl();
        if (url.isEmpty()) {
            return Response.status(503).entity(Map.of("error", "seedcast.injector.signer-url is not set: the injector cannot ask the signer")).build();
        }
        try {
            var http = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(3)).build();
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.get() + "/admin/keys")).timeout(java.time.Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return Response.status(r.statusCode()).entity(r.body()).build();
        } catch (Exception e) {
            return Response.status(502).entity(Map.of("error", "the signer at " + url.get() + " did not answer: " + e.getMessage())).build();
        }
    }

    /** The swarm metadata a viewer needs, signed with the publisher key. Public. */
    @GET
    @Path("/channels/{id}/swarm")
    public Response swarm(@PathParam("id") String id) throws Exception {
        var c = service.state().channel(id);
        if (c.isEmpty()) {
            return notFound(id);
        }
        var s = service.state().currentSwarm(id);
        if (s.isEmpty()) {
            return Response.status(404).entity(Map.of("error", "channel " + id + " has no swarm yet: nothing is being broadcast")).build();
        }
        SwarmRecord swarm = s.get();
        SwarmParameters p = swarm.parameters();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", id);
        m.put("broadcast", swarm.broadcastId());
        m.put("swarmId", swarm.swarmId().hex());
        m.put("state", swarm.state().name());
        m.put("integrity", p.integrity().name());
        m.put("hash", p.hash().name());
        m.put("algorithm", p.algorithm().name());
        m.put("chunkAddressing", p.addressing().name());
        m.put("chunkSize", p.chunkSize());
        m.put("chunksPerSignature", p.chunksPerSignature());
        m.put("discardWindow", p.discardWindow());
        m.put("profile", p.profile().name());
        m.put("tracker", service.config().publicUrl() + "/ppsp-tp");
        m.put("seeders", service.tracker().seeders(swarm.swarmId().hex()).stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
        m.put("successor", swarm.successor() == null ? null : swarm.successor().hex());
        // Where the swarm's chunk 0 sits in the broadcast: a viewer following a rotation splices the successor in exactly there.
        m.put("firstChunk", swarm.firstBroadcastChunk());
        // A revoked predecessor is no longer served: viewers switch to this swarm at once instead of finishing that one.
        m.put("predecessorState", service.state().swarms().stream().filter(o -> swarm.swarmId().equals(o.successor())).map(o -> o.state().name())
                .findFirst().orElse(null));
        m.put("issuedAt", java.time.Instant.now().toString());
        return Response.ok(service.publisher().sign(m)).build();
    }

    private Map<String, Object> view(ChannelRecord c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", c.channelId());
        v.put("name", c.name());
        SwarmParameters p = c.parameters();
        v.put("integrity", p.integrity().name());
        v.put("algorithm", p.algorithm().name());
        v.put("hash", p.hash().name());
        v.put("chunkSize", p.chunkSize());
        v.put("chunksPerSignature", p.chunksPerSignature());
        v.put("chunkAddressing", p.addressing().name());
        v.put("discardWindow", p.discardWindow());
        v.put("profile", p.profile().name());
        var s = service.state().currentSwarm(c.channelId());
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("live", s.map(x -> x.state() == SwarmRecord.State.LIVE).orElse(false));
        s.ifPresent(x -> {
            live.put("broadcast", x.broadcastId());
            live.put("swarmId", x.swarmId().hex());
            live.put("seeders", service.tracker().seeders(x.swarmId().hex()).size());
            live.put("peers", service.tracker().peerCount(x.swarmId().hex()));
            double[] rate = service.state().rate(x);
            live.put("chunksPerSecond", Math.round(rate[0] * 10) / 10.0);
            live.put("bitrateKbps", Math.round(rate[1] / 1000));
            double efficiency = service.tracker().efficiency(x.swarmId().hex());
            live.put("peerEfficiency", efficiency < 0 ? null : Math.round(efficiency * 1000) / 1000.0);
        });
        v.put("status", live);
        return v;
    }

    /** The channel with its stream key, shown this once, and what to type into OBS. */
    private Map<String, Object> withKey(ChannelRecord c, String streamKey) {
        Map<String, Object> v = view(c);
        v.put("streamKey", streamKey);
        v.put("obs", Map.of("service", "Custom...", "server", service.config().rtmpUrl(), "streamKey", streamKey));
        v.put("srtUrl", service.config().srtUrl() + "?streamid=%23!::r=live/" + streamKey + ",m=publish");
        v.put("note", "the stream key is shown once; only its hash is stored");
        return v;
    }

    static String newStreamKey() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return "sk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** How stream keys are stored (ingest hashes what a publisher sends the same way). */
    private static Response bad(String message) {
        return Response.status(400).entity(Map.of("error", message)).build();
    }

    private static Response notFound(String id) {
        return Response.status(404).entity(Map.of("error", "no channel " + id)).build();
    }
}
