package io.seedcast.injector.api;

import io.seedcast.injector.InjectorService;
import io.seedcast.tracker.Tracker;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.net.InetSocketAddress;
import java.util.Map;

/** What viewers and seeders reach without a token: the publisher key set and the PPSP-TP tracker. */
@Path("/")
public class PublicResource {

    private final InjectorService service;

    public PublicResource(InjectorService service) {
        this.service = service;
    }

    @GET
    @Path(".well-known/seedcast/keys.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> keys() {
        return service.publisher().keySet();
    }

    /** PPSP-TP/1.0 (RFC 7846): CONNECT, FIND, STAT_REPORT as application/ppsp-tracker+json over POST. */
    @POST
    @Path("ppsp-tp")
    @Consumes({Tracker.MEDIA_TYPE, MediaType.APPLICATION_JSON, MediaType.WILDCARD})
    @Produces(Tracker.MEDIA_TYPE)
    public String tracker(String body, @Context HttpServerRequest request) {
        var remote = request.remoteAddress();
        return service.tracker().handle(body == null ? "" : body, new InetSocketAddress(remote.host(), remote.port()));
    }
}
