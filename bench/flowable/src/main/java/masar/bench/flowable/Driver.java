package masar.bench.flowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flowable.common.engine.api.FlowableObjectNotFoundException;
import org.flowable.common.engine.api.FlowableOptimisticLockingException;
import org.flowable.engine.ProcessEngine;
import org.flowable.engine.runtime.ProcessInstance;
import org.flowable.task.api.Task;

/**
 * The bench's way in, over HTTP on 127.0.0.1 (the JDK's server: no framework between the client
 * and the engine, as Masar's bench client talks to Temporal directly):
 * <ul>
 *   <li>{@code POST /cases?caseId=..&unit=..} starts a case; answers when the start is committed
 *       (read-model row written, receipt mail queued, review task open);</li>
 *   <li>{@code POST /cases/{processInstanceId}/tasks/{review|decide}/complete[?note=..]} finds the
 *       case's open task of that key and completes it;</li>
 *   <li>{@code GET /cases/{processInstanceId}/ended?timeoutMs=..} answers once the case has ended
 *       (both mails sent), 504 after the timeout;</li>
 *   <li>{@code GET /stats} counts optimistic-lock retries of the calls above.</li>
 * </ul>
 * Errors answer 4xx/5xx with a one-line text saying what failed.
 */
public final class Driver {
    private static final Pattern COMPLETE = Pattern.compile("^/cases/([^/]+)/tasks/([A-Za-z]+)/complete$");
    private static final Pattern ENDED = Pattern.compile("^/cases/([^/]+)/ended$");
    /** A task completion racing the receipt job on the same process instance is retried, as a client would. */
    private static final int ATTEMPTS = 5;

    private final ProcessEngine engine;
    private final CaseEnded ended;
    private final AtomicLong lockRetries = new AtomicLong();
    private final AtomicLong started = new AtomicLong();
    private HttpServer server;
    private ExecutorService threads;

    public Driver(ProcessEngine engine, CaseEnded ended) {
        this.engine = engine;
        this.ended = ended;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port); returns the port. */
    public int start(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        // One thread per request in flight: an /ended call waits, and the bench's lanes are few (≤ 100).
        threads = Executors.newCachedThreadPool();
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        try {
            String path = x.getRequestURI().getPath();
            Map<String, String> query = query(x.getRequestURI().getRawQuery());
            String method = x.getRequestMethod();
            Matcher m;
            if ("POST".equals(method) && "/cases".equals(path)) {
                send(x, 200, startCase(required(query, "caseId"), required(query, "unit")));
            } else if ("POST".equals(method) && (m = COMPLETE.matcher(path)).matches()) {
                send(x, 200, complete(m.group(1), m.group(2), query.get("note")));
            } else if ("GET".equals(method) && (m = ENDED.matcher(path)).matches()) {
                long timeoutMs = wholeNumber(query.getOrDefault("timeoutMs", "60000"), "timeoutMs");
                try {
                    ended.of(m.group(1)).get(timeoutMs, TimeUnit.MILLISECONDS);
                    ended.forget(m.group(1));
                    send(x, 200, "{\"ended\":true}");
                } catch (TimeoutException e) {
                    ended.forget(m.group(1));
                    send(x, 504, "case " + m.group(1) + " had not ended after " + timeoutMs + " ms");
                }
            } else if ("GET".equals(method) && "/stats".equals(path)) {
                send(x, 200, "{\"started\":" + started.get() + ",\"lockRetries\":" + lockRetries.get() + "}");
            } else {
                send(x, 404, "no route " + method + " " + path + " (POST /cases, POST /cases/{id}/tasks/{key}/complete, GET /cases/{id}/ended, GET /stats)");
            }
        } catch (IllegalArgumentException e) {
            send(x, 400, e.getMessage());
        } catch (FlowableObjectNotFoundException e) {
            send(x, 404, e.getMessage());
        } catch (Exception e) {
            if (sqlState(e, "23505")) {
                send(x, 409, "a case with this caseId exists already: use another caseId");
                return;
            }
            StringBuilder why = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                why.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
            }
            send(x, 500, why.toString());
        }
    }

    private String startCase(String caseId, String unit) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("caseId", caseId);
        vars.put("reference", "B-" + caseId);
        vars.put("unit", unit);
        vars.put("applicantName", "Amina Benali");
        vars.put("applicantEmail", "amina@bench.masar.local");
        vars.put("filedOn", LocalDate.now().toString());
        ProcessInstance pi = engine.getRuntimeService().createProcessInstanceBuilder()
                .processDefinitionKey("benchPermit")
                .businessKey(caseId)
                .variables(vars)
                .start();
        started.incrementAndGet();
        return "{\"processInstanceId\":\"" + pi.getId() + "\"}";
    }

    private String complete(String processInstanceId, String taskKey, String note) {
        return retrying(() -> {
            Task task = engine.getTaskService().createTaskQuery()
                    .processInstanceId(processInstanceId)
                    .taskDefinitionKey(taskKey)
                    .singleResult();
            if (task == null) {
                throw new FlowableObjectNotFoundException("case " + processInstanceId + " has no open task " + taskKey);
            }
            Map<String, Object> vars = new HashMap<>();
            if (note != null) vars.put("note", note);
            engine.getTaskService().complete(task.getId(), vars);
            return "{\"completed\":\"" + task.getId() + "\"}";
        });
    }

    private String retrying(Supplier<String> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (FlowableOptimisticLockingException e) {
                if (attempt >= ATTEMPTS) throw e;
                lockRetries.incrementAndGet();
            }
        }
    }

    private static String required(Map<String, String> query, String name) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("query parameter " + name + " is required");
        // PostgreSQL text cannot hold NUL; ids and codes are short.
        if (v.indexOf('\0') >= 0 || v.length() > 200) throw new IllegalArgumentException("query parameter " + name + " must be 1-200 characters without NUL");
        return v;
    }

    private static long wholeNumber(String v, String name) {
        try {
            long n = Long.parseLong(v);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("query parameter " + name + " must be a whole number of milliseconds, got \"" + v + "\"");
    }

    /** A PostgreSQL error of this SQLSTATE somewhere in the cause chain (23505: unique violation). */
    private static boolean sqlState(Throwable e, String state) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException && state.equals(((java.sql.SQLException) t).getSQLState())) return true;
        }
        return false;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) return out;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }
}
