package io.seedcast.injector.api;

import io.seedcast.injector.InjectorService;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** The admin API needs {@code Authorization: Bearer <token>}; what viewers fetch (swarm metadata, keys, tracker) does not. */
@Provider
public class AdminTokenFilter implements ContainerRequestFilter {

    private final InjectorService service;

    public AdminTokenFilter(InjectorService service) {
        this.service = service;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        boolean viewerFacing = request.getMethod().equals("GET") && path.matches("/api/channels/[^/]+/swarm");
        if (!path.startsWith("/api/") || viewerFacing) {
            return;
        }
        String header = request.getHeaderString("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), service.adminToken().getBytes(StandardCharsets.UTF_8))) {
            request.abortWith(Response.status(401).type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", header == null ? "the admin API needs 'Authorization: Bearer <admin token>'" : "wrong admin token"))
                    .header("WWW-Authenticate", "Bearer").build());
        }
    }
}
