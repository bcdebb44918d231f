package io.seedcast.signer.api;

import io.seedcast.signer.SignerService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The signer's internal key administration (the operator-facing API is the injector's): which master
 * key versions are loaded and how many swarm keys each wraps, re-wrapping under the active version,
 * and whether a version may be retired.
 */
@Path("/admin/keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeyAdminResource {

    private final SignerService service;

    public KeyAdminResource(SignerService service) {
        this.service = service;
    }

    public record KeyVersion(String id, boolean active, long swarmKeys) {
    }

    public record KeyStatus(String active, List<KeyVersion> versions) {
    }

    @GET
    public KeyStatus status() {
        Map<String, Long> usage = usage();
        String active = service.keyring().activeKeyId();
        TreeMap<String, KeyVersion> versions = new TreeMap<>();
        for (String id : service.keyring().keyIds()) {
            versions.put(id, new KeyVersion(id, id.equals(active), usage.getOrDefault(id, 0L)));
        }
        // Keys referenced by swarm keys but missing from the directory show up too: that is an incident.
        usage.forEach((id, n) -> versions.putIfAbsent(id, new KeyVersion(id, false, n)));
        return new KeyStatus(active, List.copyOf(versions.values()));
    }

    /** Re-wraps the live swarm keys this replica signs under the active master key version. */
    @POST
    @Path("/rewrap")
    public Map<String, Object> rewrap() throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        service.loop().rewrapAll(done);
        return Map.of("rewrapped", done.get(30, TimeUnit.SECONDS), "active", service.keyring().activeKeyId());
    }

    /** Says whether version {@code id} can leave the Secret: refused while any swarm key is still wrapped under it. */
    @POST
    @Path("/{id}/retire")
    public Response retire(@PathParam("id") String id) {
        if (id.equals(service.keyring().activeKeyId())) {
            return Response.status(409).entity(Map.of("error", "'" + id + "' is the active master key: make another version active first")).build();
        }
        long inUse = usage().getOrDefault(id, 0L);
        if (inUse > 0) {
            return Response.status(409).entity(Map.of("error", inUse + " swarm key(s) are still wrapped under '" + id
                    + "': run POST /admin/keys/rewrap on every signer replica first", "swarmKeys", inUse)).build();
        }
        if (!service.keyring().keyIds().contains(id)) {
            return Response.status(404).entity(Map.of("error", "no master key version '" + id + "' is loaded")).build();
        }
        return Response.ok(Map.of("id", id, "safeToRemove", true, "next", "remove '" + id + "' from the master key Secret")).build();
    }

    private Map<String, Long> usage() {
        return service.loop().keyUsage();
    }
}
