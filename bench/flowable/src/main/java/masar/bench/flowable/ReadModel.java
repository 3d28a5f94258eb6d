package masar.bench.flowable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flowable.common.engine.api.FlowableException;
import org.flowable.common.engine.impl.context.Context;
import org.flowable.common.engine.impl.db.DbSqlSession;
import org.flowable.engine.delegate.DelegateExecution;

/**
 * The peer's read model: one row per case in {@code <schema>.bench_cases}, written on the
 * engine's own connection so it commits with the process state (what a Spring user gets by
 * sharing the transaction manager). Called from the BPMN as
 * {@code ${readModel.project(execution, 'step')}}: a method expression, so the shared bean
 * holds no per-call state.
 */
public final class ReadModel {
    private final String table;

    public ReadModel(String schema) {
        this.table = schema + ".bench_cases";
    }

    /** Creates the table if it is missing (the bench database is recreated for every run). */
    public void createTable(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + " case_id text PRIMARY KEY,"
                    + " reference text NOT NULL,"
                    + " process_instance_id text NOT NULL UNIQUE,"
                    + " unit text NOT NULL,"
                    + " applicant_email text NOT NULL,"
                    + " status text NOT NULL,"
                    + " step text NOT NULL,"
                    + " due_at timestamptz,"
                    + " filed_at timestamptz NOT NULL,"
                    + " updated_at timestamptz NOT NULL)");
            c.commit(); // the pool hands out connections with auto-commit off, as the engine wants them
        }
    }

    /** Writes the case's row for {@code step}: inserted on filing, updated afterwards. */
    public void project(DelegateExecution execution, String step) {
        Connection c = Context.getCommandContext().getSession(DbSqlSession.class).getSqlSession().getConnection();
        String processInstanceId = execution.getProcessInstanceId();
        try {
            if ("received".equals(step)) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                        + " (case_id, reference, process_instance_id, unit, applicant_email, status, step, due_at, filed_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, 'open', 'received', now() + interval '20 days', now(), now())")) {
                    ps.setString(1, (String) execution.getVariable("caseId"));
                    ps.setString(2, (String) execution.getVariable("reference"));
                    ps.setString(3, processInstanceId);
                    ps.setString(4, (String) execution.getVariable("unit"));
                    ps.setString(5, (String) execution.getVariable("applicantEmail"));
                    ps.executeUpdate();
                }
                return;
            }
            String status = "granted".equals(step) ? "closed" : "open";
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table
                    + " SET step = ?, status = ?, due_at = CASE WHEN ? = 'open' THEN due_at END, updated_at = now()"
                    + " WHERE process_instance_id = ?")) {
                ps.setString(1, step);
                ps.setString(2, status);
                ps.setString(3, status);
                ps.setString(4, processInstanceId);
                if (ps.executeUpdate() != 1) {
                    throw new FlowableException("read model: no row for process instance " + processInstanceId + " at step " + step);
                }
            }
        } catch (SQLException e) {
            throw new FlowableException("read model: writing step " + step + " of " + processInstanceId + " failed: " + e.getMessage(), e);
        }
    }
}
