package org.patientvault.web.page;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Component;

/**
 * Data for a page's script, written into a {@code <script type="application/json">} block
 * ({@code th:utext="${@pageJson.write(x)}"}): the CSP allows no inline script, and a data block is not run. Every
 * {@code <}, {@code >} and {@code &} is escaped as a JSON unicode escape, so no value can close the block.
 */
@Component("pageJson")
public class PageJson {

    private final ObjectMapper json = new ObjectMapper();

    public String write(Object data) {
        try {
            return json.writeValueAsString(data).replace("<", "\\u003c").replace(">", "\\u003e")
                    .replace("&", "\\u0026");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("page data could not be written", e);
        }
    }
}
