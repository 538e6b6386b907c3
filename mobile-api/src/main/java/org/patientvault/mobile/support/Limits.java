package org.patientvault.mobile.support;

import org.patientvault.mobile.MobileProperties;
import org.springframework.stereotype.Component;

/** The page size a request asks for, within the configured bounds. */
@Component
public class Limits {

    private final MobileProperties props;

    Limits(MobileProperties props) {
        this.props = props;
    }

    /** {@code limit} if given and in 1..max-page-size, the default if absent; else a 400. */
    public int pageSize(Integer limit) {
        if (limit == null) {
            return props.pageSize();
        }
        if (limit < 1 || limit > props.maxPageSize()) {
            throw MobileProblem.badRequest("Parameter 'limit' must be between 1 and " + props.maxPageSize());
        }
        return limit;
    }

    public MobileProperties properties() {
        return props;
    }
}
