package org.patientvault.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * HAPI's own configuration needs {@code spring.main.allow-circular-references=true} (its search-parameter registry,
 * resource matcher and change-listener registry inject each other; docs/architecture.md). Our beans must not rely on
 * it: no cycle of bean dependencies in the running app may include one of the vault's beans.
 */
class OwnBeansIT extends FhirIT {

    @Autowired
    ConfigurableListableBeanFactory beans;

    @Test
    void noDependencyCycleRunsThroughTheVaultsOwnBeans() {
        Map<String, List<String>> graph = new HashMap<>();
        for (String name : beans.getBeanDefinitionNames()) {
            graph.put(name, List.of(beans.getDependenciesForBean(name)));
        }
        List<List<String>> cycles = new ArrayList<>();
        for (List<String> component : new Tarjan(graph).components()) {
            if (component.size() > 1 || graph.getOrDefault(component.get(0), List.of()).contains(component.get(0))) {
                cycles.add(component);
            }
        }
        assertThat(cycles).as("bean cycles through org.patientvault beans")
                .noneMatch(c -> c.stream().anyMatch(this::isOurs));
        // The reason the setting stays on, and proof that cycles are seen: HAPI's own.
        assertThat(cycles).as("HAPI's search-parameter registry cycle")
                .anyMatch(c -> c.contains("searchParamRegistry"));
        assertThat(graph.keySet().stream().filter(this::isOurs).count()).as("the vault's beans were seen")
                .isGreaterThan(30);
    }

    private boolean isOurs(String bean) {
        if (!beans.containsBeanDefinition(bean)) {
            return false;
        }
        Class<?> type = beans.getType(bean, false);
        String factory = beans.getBeanDefinition(bean).getFactoryBeanName();
        return (type != null && type.getName().startsWith("org.patientvault."))
                || (factory != null && beans.containsBeanDefinition(factory)
                && String.valueOf(beans.getBeanDefinition(factory).getBeanClassName()).startsWith("org.patientvault."));
    }

    /** Strongly connected components (Tarjan), iterative so deep graphs do not overflow the stack. */
    private static final class Tarjan {
        private final Map<String, List<String>> graph;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final java.util.Set<String> onStack = new java.util.HashSet<>();
        private final List<List<String>> components = new ArrayList<>();
        private int next;

        Tarjan(Map<String, List<String>> graph) {
            this.graph = graph;
        }

        List<List<String>> components() {
            for (String v : graph.keySet()) {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            }
            return components;
        }

        private void visit(String root) {
            Deque<Object[]> work = new ArrayDeque<>();
            open(root);
            work.push(new Object[] {root, 0});
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String v = (String) frame[0];
                List<String> edges = graph.getOrDefault(v, List.of());
                int i = (int) frame[1];
                if (i < edges.size()) {
                    frame[1] = i + 1;
                    String w = edges.get(i);
                    if (!index.containsKey(w)) {
                        open(w);
                        work.push(new Object[] {w, 0});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    List<String> component = new ArrayList<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(v));
                    components.add(component);
                }
            }
        }

        private void open(String v) {
            index.put(v, next);
            low.put(v, next);
            next++;
            stack.push(v);
            onStack.add(v);
        }
    }
}
