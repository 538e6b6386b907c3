package org.patientvault.mobile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The published spec, the controllers and the checked-in list of routes ({@code openapi-operations.txt}, what
 * clients are written against) name the same operations. Adding, removing or moving a route fails here until all
 * three agree, so the spec cannot drift from the code, nor the code from the contract unnoticed.
 */
class OpenApiDriftTest extends ApiTestBase {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private Set<String> specOperations() throws Exception {
        byte[] body = mvc.perform(get("/mobile/v1/openapi.json")).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsByteArray();
        JsonNode spec = new ObjectMapper().readTree(body);
        assertThat(spec.at("/openapi").asText()).startsWith("3.");
        Set<String> ops = new TreeSet<>();
        spec.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(method -> ops.add(method.toUpperCase() + " " + p.getKey())));
        return ops;
    }

    private Set<String> controllerOperations() {
        Set<String> ops = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (!handler.getBeanType().getPackageName().startsWith("org.patientvault.mobile")) {
                return;
            }
            for (String path : info.getPatternValues()) {
                info.getMethodsCondition().getMethods().forEach(m -> ops.add(m.name() + " " + path));
            }
        });
        return ops;
    }

    private static Set<String> contract() throws IOException {
        try (InputStream in = OpenApiDriftTest.class.getResourceAsStream("/openapi-operations.txt")) {
            return new TreeSet<>(Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        }
    }

    @Test
    void specControllersAndContractNameTheSameOperations() throws Exception {
        Set<String> spec = specOperations();
        assertThat(spec).as("every controller route is in the spec and nothing else")
                .isEqualTo(controllerOperations());
        assertThat(spec).as("the spec matches the checked-in contract").isEqualTo(contract());
    }

    @Test
    void theSwaggerUiIsServed() throws Exception {
        int s = mvc.perform(get("/mobile/v1/swagger-ui.html")).andReturn().getResponse().getStatus();
        assertThat(s).isIn(200, 302);
        mvc.perform(get("/mobile/v1/swagger-ui/index.html")).andExpect(status().isOk());
    }
}
