package org.patientvault.mapping.deid;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * Base-R4 structure check without the validator (not on this module's classpath): the JSON must re-parse under
 * HAPI's strict error handler (unknown elements, bad primitives, wrong types, invalid ids and dates fail), every
 * element must have a value, children or an extension (ele-1), and every required child (min &gt; 0) must be present.
 */
final class R4Structure {
    private R4Structure() {
    }

    /** Problems found in {@code json} (empty when it is structurally valid R4). */
    static List<String> problems(FhirContext ctx, String json) {
        List<String> out = new ArrayList<>();
        IParser strict = ctx.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        Resource r;
        try {
            r = (Resource) strict.parseResource(json);
        } catch (RuntimeException e) {
            out.add("strict parse: " + e.getMessage());
            return out;
        }
        check(ctx, r, (BaseRuntimeElementCompositeDefinition<?>) ctx.getResourceDefinition(r), r.fhirType(), out);
        return out;
    }

    private static void check(FhirContext ctx, IBase target, BaseRuntimeElementCompositeDefinition<?> def, String path,
            List<String> out) {
        for (BaseRuntimeChildDefinition child : def.getChildren()) {
            List<? extends IBase> values = child.getAccessor().getValues(target);
            if (child.getMin() > 0 && values.stream().allMatch(IBase::isEmpty)) {
                out.add(path + "." + child.getElementName() + ": required (min " + child.getMin() + ") but absent");
            }
            for (IBase v : values) {
                if (v instanceof IBaseResource nested) {
                    check(ctx, nested, (BaseRuntimeElementCompositeDefinition<?>) ctx.getResourceDefinition(nested),
                            path + "." + child.getElementName(), out);
                    continue;
                }
                BaseRuntimeElementDefinition<?> cdef = child.getChildElementDefinitionByDatatype(v.getClass());
                if (v.isEmpty() && !"id".equals(child.getElementName())) {
                    out.add(path + "." + child.getElementName() + ": empty element (ele-1)");
                }
                if (cdef instanceof BaseRuntimeElementCompositeDefinition<?> c) {
                    check(ctx, v, c, path + "." + child.getChildNameByDatatype(v.getClass()), out);
                }
            }
        }
    }
}
