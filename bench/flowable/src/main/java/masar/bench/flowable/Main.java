package masar.bench.flowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.flowable.common.engine.impl.history.HistoryLevel;
import org.flowable.common.engine.impl.persistence.StrongUuidGenerator;
import org.flowable.engine.ProcessEngine;
import org.flowable.engine.ProcessEngineConfiguration;
import org.flowable.engine.impl.cfg.StandaloneProcessEngineConfiguration;

/**
 * The Flowable peer of {@code npm run bench}: an embedded Flowable engine on the bench's
 * PostgreSQL (schema {@code PEER_SCHEMA}) and SMTP sink, with the bench procedure deployed and
 * the HTTP driver listening. Prints {@code flowable-peer listening on port N} once ready, which
 * the Node side waits for; stops on SIGTERM.
 *
 * <p>Tuned as a production user would (bench/README.md says why): async executor on, history
 * level {@code audit}, a HikariCP pool, UUID ids.
 */
public final class Main {
    private Main() {}

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("environment variable " + name + " is required (see bench/peer/flowable.ts)");
        return v;
    }

    private static int number(String name, int fallback) {
        String v = env(name, String.valueOf(fallback));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got \"" + v + "\"");
        }
    }

    public static void main(String[] args) throws Exception {
        String schema = env("PEER_SCHEMA", "flowable");
        if (!schema.matches("[a-z_][a-z0-9_]*")) throw new IllegalArgumentException("PEER_SCHEMA must be a plain lower-case name, got \"" + schema + "\"");
        int poolSize = number("PEER_POOL_SIZE", 20);
        int executorThreads = number("PEER_EXECUTOR_THREADS", 8);

        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(required("PEER_JDBC_URL") + (required("PEER_JDBC_URL").contains("?") ? "&" : "?") + "currentSchema=" + schema);
        pool.setUsername(required("PEER_DB_USER"));
        pool.setPassword(env("PEER_DB_PASSWORD", ""));
        pool.setMaximumPoolSize(poolSize);
        pool.setMinimumIdle(poolSize);
        pool.setPoolName("flowable-peer");
        pool.setAutoCommit(false);
        HikariDataSource ds = new HikariDataSource(pool);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            c.commit();
        }
        ReadModel readModel = new ReadModel(schema);
        readModel.createTable(ds);

        CaseEnded caseEnded = new CaseEnded();
        Map<Object, Object> beans = new HashMap<>();
        beans.put("readModel", readModel);
        beans.put("caseEnded", caseEnded);

        StandaloneProcessEngineConfiguration cfg = new StandaloneProcessEngineConfiguration();
        cfg.setDataSource(ds);
        cfg.setDatabaseSchema(schema);
        cfg.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
        cfg.setHistoryLevel(HistoryLevel.getHistoryLevelForKey(env("PEER_HISTORY", "audit")));
        cfg.setIdGenerator(new StrongUuidGenerator());
        cfg.setAsyncExecutorActivate(true);
        cfg.setAsyncExecutorCorePoolSize(executorThreads);
        cfg.setAsyncExecutorMaxPoolSize(executorThreads);
        cfg.setMailServerHost(env("PEER_SMTP_HOST", "127.0.0.1"));
        cfg.setMailServerPort(number("PEER_SMTP_PORT", 25));
        cfg.setMailServerDefaultFrom("ne-pas-repondre@bench.masar.local");
        // Neither Flowable's user store nor its event registry has a part in the procedure.
        cfg.setDisableIdmEngine(true);
        cfg.setDisableEventRegistry(true);
        cfg.setBeans(beans);
        ProcessEngine engine = cfg.buildProcessEngine();
        engine.getRepositoryService().createDeployment()
                .name("bench-permit")
                .addClasspathResource("bench-permit.bpmn20.xml")
                .enableDuplicateFiltering()
                .deploy();

        Driver driver = new Driver(engine, caseEnded);
        int port = driver.start(number("PEER_HTTP_PORT", 0));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            driver.stop();
            engine.close();
            ds.close();
        }));
        System.out.println("flowable-peer listening on port " + port
                + " (Flowable " + ProcessEngine.class.getPackage().getImplementationVersion()
                + ", history " + cfg.getHistoryLevel().getKey() + ", pool " + poolSize + ", executor threads " + executorThreads + ")");
        System.out.flush();
    }
}
