package masar.bench.flowable;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.flowable.common.engine.impl.cfg.TransactionState;
import org.flowable.common.engine.impl.context.Context;
import org.flowable.engine.delegate.DelegateExecution;
import org.flowable.engine.delegate.ExecutionListener;

/**
 * The process's end listener: once the transaction that ended a case commits, completes that
 * case's future, so the driver's {@code GET /cases/{id}/ended} answers without polling the
 * history tables (the bench waits for every case's end, as it waits for Masar's workflows).
 */
public final class CaseEnded implements ExecutionListener {
    private final ConcurrentHashMap<String, CompletableFuture<Void>> ended = new ConcurrentHashMap<>();

    /** The future of one process instance's end; completed already if it has ended. */
    public CompletableFuture<Void> of(String processInstanceId) {
        return ended.computeIfAbsent(processInstanceId, id -> new CompletableFuture<>());
    }

    /** Drops a case once its client has been told (the map would otherwise grow per case). */
    public void forget(String processInstanceId) {
        ended.remove(processInstanceId);
    }

    @Override
    public void notify(DelegateExecution execution) {
        String id = execution.getProcessInstanceId();
        // Only the process instance's own end: sub-process and branch ends also reach listeners.
        if (!id.equals(execution.getId())) return;
        Context.getTransactionContext().addTransactionListener(TransactionState.COMMITTED, commandContext -> of(id).complete(null));
    }
}
