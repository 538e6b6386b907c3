package org.patientvault.vault.cohort;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The firm's notification (a plain webhook): after each build, if the request registered an endpoint, one POST of
 * {@code application/json} naming the Group, the release, its status, where to poll, and the pseudonyms withdrawn by
 * it. Nothing clinical and no file URL with access; the firm fetches with its token. One attempt, bounded by
 * {@code vault.cohort.callback-timeout}; a failure is logged and the release is unaffected (the firm can poll).
 */
@Component
class CohortCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(CohortCallbacks.class);

    private final CohortProperties props;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    CohortCallbacks(CohortProperties props) {
        this.props = props;
        this.http = HttpClient.newBuilder().connectTimeout(props.callbackTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void announce(CohortBuilder.Job job, CohortStore.ReleaseStatus status, List<CohortStore.Withdrawal> withdrawn) {
        if (job.cohort().notifyEndpoint() == null) {
            return;
        }
        ObjectNode body = json.createObjectNode();
        body.put("group", "Group/" + job.request().id());
        body.put("release", job.release().number());
        body.put("status", status.name().toLowerCase().replace('_', '-'));
        body.put("statusUrl", CohortExports.statusUrl(job.fhirBase(), job.release().id()));
        ArrayNode w = body.putArray("withdrawn");
        for (CohortStore.Withdrawal x : withdrawn) {
            w.addObject().put("release", x.fromRelease()).put("pseudonym", x.pseudonym());
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(job.cohort().notifyEndpoint()).timeout(props.callbackTimeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() >= 300) {
                LOG.warn("Cohort notification for Group/{} answered HTTP {}", job.request().id(),
                        response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Cohort notification for Group/{} failed: {}", job.request().id(), e.toString());
        }
    }
}
