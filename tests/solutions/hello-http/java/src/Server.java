import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

public class Server {
    static final String GREETING = "Hello, world!";

    public static void main(String[] args) throws IOException {
        // learn check tells the server which port to use in the PORT variable.
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", Server::handle);
        // A pool of threads, so that several requests are served at the same time.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        System.out.println("Listening on http://127.0.0.1:" + port);
    }

    // Every request comes here first: the path picks the endpoint, then the
    // method picks its handler. (A context at "/" sees every path; a context at
    // "/health" would also see /health/anything, so route on the exact path.)
    static void route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        switch (exchange.getRequestURI().getPath()) {
            case "/" -> {
                if (method.equals("GET")) index(exchange);
                else methodNotAllowed(exchange, "GET");
            }
            case "/health" -> {
                if (method.equals("GET")) health(exchange);
                else methodNotAllowed(exchange, "GET");
            }
            case "/echo" -> {
                if (method.equals("GET")) echoQuery(exchange);
                else if (method.equals("POST")) echoBody(exchange);
                else methodNotAllowed(exchange, "GET, POST");
            }
            case "/headers" -> {
                if (method.equals("GET")) headers(exchange);
                else methodNotAllowed(exchange, "GET");
            }
            case "/greeting" -> {
                if (method.equals("GET")) greeting(exchange);
                else methodNotAllowed(exchange, "GET");
            }
            default -> sendJson(exchange, 404, Map.of("error", "not found"));
        }
    }

    static void index(HttpExchange exchange) throws IOException {
        sendText(exchange, 200, "Hello from my first server!");
    }

    static void health(HttpExchange exchange) throws IOException {
        sendJson(exchange, 200, Map.of("status", "ok"));
    }

    static void echoQuery(HttpExchange exchange) throws IOException {
        Map<String, String> query = queryParameters(exchange);
        sendJson(exchange, 200, Map.of("msg", query.getOrDefault("msg", "")));
    }

    // The raw query is still encoded, so a %26 inside a value is not mistaken
    // for the & between parameters: split first, then decode each part.
    static Map<String, String> queryParameters(HttpExchange exchange) {
        Map<String, String> parameters = new HashMap<>();
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.putIfAbsent(
                    URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    static void echoBody(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        sendJson(exchange, 200, Json.parse(body));
    }

    static void headers(HttpExchange exchange) throws IOException {
        // Map.of refuses null: a request without User-Agent gets {"userAgent": null}.
        Map<String, Object> answer = new HashMap<>();
        answer.put("userAgent", exchange.getRequestHeaders().getFirst("User-Agent"));
        sendJson(exchange, 200, answer);
    }

    static void greeting(HttpExchange exchange) throws IOException {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept == null) {
            accept = "";
        }
        // The types the client named, weights cut off: "text/plain;q=0.5,
        // application/json" gives [text/plain, application/json]. JSON only when
        // application/json is one of them, not when */* ("anything") merely
        // lets it through.
        List<String> wanted = new ArrayList<>();
        for (String item : accept.split(",")) {
            wanted.add(item.split(";")[0].trim());
        }
        if (wanted.contains("application/json")) {
            sendJson(exchange, 200, Map.of("greeting", GREETING));
        } else {
            sendText(exchange, 200, GREETING);
        }
    }

    static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        sendText(exchange, 405, "Method Not Allowed");
    }

    // Ready-made helpers below: you do not need to change them.

    static void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (Json.ParseException error) {
            sendJson(exchange, 400, Map.of("error", "the body is not valid JSON: " + error.getMessage()));
        } catch (RuntimeException error) {
            error.printStackTrace();
            sendText(exchange, 500, "Internal Server Error");
        } finally {
            exchange.close();
        }
    }

    static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
        send(exchange, status, "application/json", Json.write(value));
    }

    static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text);
    }

    static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        // The length of the body in bytes (not in characters: é takes two). For
        // no body at all the JDK wants -1: a length of 0 means "not known yet".
        exchange.sendResponseHeaders(status, bytes.length > 0 ? bytes.length : -1);
        try (OutputStream body = exchange.getResponseBody()) {
            body.write(bytes);
        }
    }
}
