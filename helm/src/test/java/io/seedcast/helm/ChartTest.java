package io.seedcast.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** helm lint and helm template (through helm-java, no helm binary) for the default and a production-like install. */
class ChartTest {

    static final Path CHART = Path.of("seedcast").toAbsolutePath();

    static List<Map<String, Object>> render(Path values, Map<String, Object> set) {
        var t = new Helm(CHART).template().withName("sc").withNamespace("live");
        if (values != null) {
            t = t.withValuesFile(values);
        }
        for (var e : set.entrySet()) {
            t = t.set(e.getKey(), e.getValue());
        }
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object o : new Yaml().loadAll(t.call())) {
            if (o instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> doc = (Map<String, Object>) m;
                docs.add(doc);
            }
        }
        return docs;
    }

    static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata.name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    @SuppressWarnings("unchecked")
    static Object at(Object node, String path) {
        Object cur = node;
        for (String p : path.split("\\.")) {
            if (cur instanceof List<?> l) {
                cur = l.get(Integer.parseInt(p));
            } else {
                cur = ((Map<String, Object>) cur).get(p);
            }
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> container(Map<String, Object> workload) {
        return (Map<String, Object>) ((List<Object>) at(workload, "spec.template.spec.containers")).getFirst();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> env(Map<String, Object> container) {
        Map<String, Object> out = new java.util.HashMap<>();
        for (Object o : (List<Object>) container.get("env")) {
            Map<String, Object> e = (Map<String, Object>) o;
            out.put((String) e.get("name"), e.containsKey("value") ? e.get("value") : e.get("valueFrom"));
        }
        return out;
    }

    @Test
    void lintsCleanly() {
        LintResult r = new Helm(CHART).lint().strict().call();
        assertFalse(r.isFailed(), String.join("\n", r.getMessages()));
        LintResult prod = new Helm(CHART).lint().call();
        assertFalse(prod.isFailed(), String.join("\n", prod.getMessages()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void defaultInstall() {
        List<Map<String, Object>> docs = render(null, Map.of());
        Map<String, Object> seeders = find(docs, "StatefulSet", "sc-seeder");
        Map<String, Object> c = container(seeders);
        Map<String, Object> port = (Map<String, Object>) ((List<Object>) c.get("ports")).getFirst();
        assertEquals("UDP", port.get("protocol"));
        assertEquals(7758, port.get("containerPort"));
        assertEquals(7758, port.get("hostPort"), "hostPort: each pod on its node's address");
        Map<String, Object> env = env(c);
        assertEquals("$(NODE_IP):7758", env.get("SEEDCAST_SEEDER_ADVERTISED_ADDRESS"));
        assertEquals("status.hostIP", at(env.get("NODE_IP"), "fieldRef.fieldPath"), "the node's address from the downward API");
        assertEquals("http://sc-injector:8080/ppsp-tp", env.get("SEEDCAST_SEEDER_TRACKER_URL"));
        Map<String, Object> hpa = find(docs, "HorizontalPodAutoscaler", "sc-seeder");
        assertEquals("StatefulSet", at(hpa, "spec.scaleTargetRef.kind"));
        assertEquals("cpu", at(hpa, "spec.metrics.0.resource.name"));
        assertTrue((Integer) at(seeders, "spec.template.spec.terminationGracePeriodSeconds") > 20, "grace period longer than the drain");

        Map<String, Object> signer = find(docs, "Deployment", "sc-signer");
        assertTrue((Integer) at(signer, "spec.replicas") >= 2);
        assertNotNull(find(docs, "PodDisruptionBudget", "sc-signer"));
        List<Object> sources = (List<Object>) at(signer, "spec.template.spec.volumes.0.projected.sources");
        assertEquals("seedcast-master-keys", at(sources.get(0), "secret.name"), "master keys come from a Secret volume, not env vars");
        assertEquals("sc-signer-active-key", at(sources.get(1), "configMap.name"));
        assertEquals("2026-01", at(find(docs, "ConfigMap", "sc-signer-active-key"), "data.active"));
        assertEquals("/etc/seedcast/master-keys", env(container(signer)).get("SEEDCAST_SIGNER_MASTER_KEY_DIR"));
        assertFalse(env(container(signer)).keySet().stream().anyMatch(k -> k.contains("MASTER_KEY") && !k.endsWith("_DIR")), "no key in env");

        for (String name : List.of("sc-signer", "sc-ingest", "sc-injector")) {
            Map<String, Object> w = find(docs, "Deployment", name);
            Map<String, Object> wc = container(w);
            assertEquals("/q/health/live", at(wc, "livenessProbe.httpGet.path"), name);
            assertEquals("/q/health/ready", at(wc, "readinessProbe.httpGet.path"), name);
            assertEquals(true, at(wc, "securityContext.readOnlyRootFilesystem"), name);
            assertEquals(true, at(w, "spec.template.spec.securityContext.runAsNonRoot"), name);
            assertNotNull(at(wc, "resources.requests.cpu"), name);
        }
        Map<String, Object> ingest = find(docs, "Service", "sc-ingest");
        assertEquals("LoadBalancer", at(ingest, "spec.type"));
        assertEquals("UDP", at(ingest, "spec.ports.1.protocol"));
        assertEquals("seedcast-admin", at(env(container(find(docs, "Deployment", "sc-injector"))).get("SEEDCAST_ADMIN_TOKEN"), "secretKeyRef.name"));
        assertNotNull(find(docs, "NetworkPolicy", "sc-internal-http"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void productionLikeInstall() {
        List<Map<String, Object>> docs = render(CHART.resolve("ci/production-values.yaml"), Map.of());
        Map<String, Object> seeders = find(docs, "StatefulSet", "sc-seeder");
        Map<String, Object> c = container(seeders);
        assertTrue(String.valueOf(c.get("command")).contains("31800 + ${POD_NAME##*-}"), "advertises its own NodePort: " + c.get("command"));
        Map<String, Object> ingestPod = find(docs, "Deployment", "sc-ingest");
        assertEquals("/etc/seedcast/ingest/passphrases.properties", env(container(ingestPod)).get("QUARKUS_CONFIG_LOCATIONS"), "SRT passphrases from a Secret file");
        assertEquals("seedcast-srt-passphrases", at(ingestPod, "spec.template.spec.volumes.1.secret.secretName"));
        Map<String, Object> pod3 = find(docs, "Service", "sc-seeder-3");
        assertEquals("NodePort", at(pod3, "spec.type"));
        assertEquals("Local", at(pod3, "spec.externalTrafficPolicy"), "datagrams reach the node of this very pod");
        assertEquals(31803, at(pod3, "spec.ports.0.nodePort"));
        assertEquals("sc-seeder-3", ((Map<String, Object>) at(pod3, "spec.selector")).get("statefulset.kubernetes.io/pod-name"));
        Map<String, Object> hpa = find(docs, "HorizontalPodAutoscaler", "sc-seeder");
        assertEquals("seedcast_seeder_peers", at(hpa, "spec.metrics.1.pods.metric.name"));
        Map<String, Object> env = env(container(find(docs, "Deployment", "sc-signer")));
        assertEquals("SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL"));
        assertEquals("seedcast-kafka-sasl", at(env.get("KAFKA_SASL_JAAS_CONFIG"), "secretKeyRef.name"));
        assertEquals("live.example.com", at(find(docs, "Ingress", "sc-injector"), "spec.rules.0.host"));
        assertEquals(4, docs.stream().filter(d -> "ServiceMonitor".equals(d.get("kind"))).count());
    }

    @Test
    void theSchemaRefusesBadValues() {
        Exception one = assertThrows(Exception.class, () -> render(null, Map.of("signer.replicas", 1)));
        assertTrue(one.getMessage().contains("signer") || one.getMessage().contains("replicas"), one.getMessage());
        Exception exposure = assertThrows(Exception.class, () -> render(null, Map.of("seeders.exposure", "hostNetwork")));
        assertTrue(exposure.getMessage().contains("exposure"), exposure.getMessage());
        assertThrows(Exception.class, () -> render(null, Map.of("seeders.udpPort", 70000)));
    }

    @Test
    void everyServiceHasAnImageRecipeAndIngestsCarriesLibsrt() throws Exception {
        Path root = CHART.getParent().getParent();
        for (String service : List.of("ingest", "signer", "seeder", "injector")) {
            Path dockerfile = root.resolve(service + "-service/src/main/docker/Dockerfile.jvm");
            assertTrue(java.nio.file.Files.exists(dockerfile), dockerfile.toString());
            String text = java.nio.file.Files.readString(dockerfile);
            assertTrue(text.contains("USER 185"), service + " runs as a non-root user");
            assertTrue(text.contains("target/quarkus-app/"), service + " ships the Quarkus fast-jar");
        }
        String ingest = java.nio.file.Files.readString(root.resolve("ingest-service/src/main/docker/Dockerfile.jvm"));
        assertTrue(ingest.contains("apt-get install") && ingest.contains("libsrt1.5-openssl"), "the ingest image installs libsrt");
        assertTrue(ingest.contains("javacpp.cachedir=/tmp"), "FFmpeg unpacks under /tmp with a read-only root filesystem");
    }
}
