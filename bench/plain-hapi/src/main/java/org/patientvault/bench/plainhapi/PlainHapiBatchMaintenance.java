package org.patientvault.bench.plainhapi;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/**
 * Off by default. With {@code PLAIN_HAPI_BATCH_MAINTENANCE_MILLIS=n}, asks HAPI's batch2 maintenance pass to run every
 * n ms ({@link IJobMaintenanceService#runMaintenancePass()}, which skips a pass while one runs) instead of only on
 * HAPI's once-a-minute schedule. ({@code triggerMaintenancePass()} does nothing unless job fast-tracking is on.)
 * The cohort benchmark uses it so that HAPI's bulk {@code $export} (a gated job that moves to its next step only in a
 * maintenance pass) is measured by the work it does, not by up to a minute of waiting per step.
 */
@Component
@ConditionalOnExpression("${plain-hapi.batch-maintenance-millis:0} > 0")
class PlainHapiBatchMaintenance implements DisposableBean {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "plain-hapi-maintenance-trigger");
        t.setDaemon(true);
        return t;
    });

    PlainHapiBatchMaintenance(IJobMaintenanceService maintenance,
                              @Value("${plain-hapi.batch-maintenance-millis}") long millis) {
        timer.scheduleWithFixedDelay(maintenance::runMaintenancePass, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}
