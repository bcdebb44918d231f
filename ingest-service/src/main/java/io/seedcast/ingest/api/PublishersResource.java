package io.seedcast.ingest.api;

import io.seedcast.ingest.IngestService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** What this ingest replica is receiving: one entry per live broadcast (no stream keys). */
@Path("/api/publishers")
public class PublishersResource {

    @Inject
    IngestService service;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Map<String, Object>> list() {
        return service.broadcasts().describe();
    }
}
