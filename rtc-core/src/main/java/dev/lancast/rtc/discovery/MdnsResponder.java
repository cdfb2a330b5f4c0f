package dev.lancast.rtc.discovery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Our own records on the link (RFC 6762, RFC 6763): for each advertised instance a PTR from its
 * type (and one from {@code _services._dns-sd._udp.local.} to the type), its SRV and TXT, and the A
 * record of our host name. An instance is probed (three queries 250 ms apart; a response naming it
 * with other data is a conflict, and it becomes "name (2)"), then announced twice, a second apart.
 * Queries are answered with the records asked for, less the known answers the query lists, plus
 * the SRV, TXT and A a resolver needs next; a record is multicast at most once a second whatever
 * the number of queries (RFC 6762 6.2), so a query flood costs a bounded answer rate. A query from
 * a port other than 5353 is a legacy one-shot query and is answered by unicast (6.7). Simultaneous
 * probes of one name by two hosts (8.2's tie-break) are not resolved: both keep it. Called under the
 * {@link Mdns} lock.
 */
final class MdnsResponder {
    static final long HOST_TTL = 120;
    static final long SERVICE_TTL = 4500;
    static final String SERVICES = "_services._dns-sd._udp.local.";
    private static final long PROBE_INTERVAL = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final InetAddress address;
    private final String hostBase;
    private String host;
    private int hostSuffix = 1;
    private final List<Service> services = new ArrayList<>();
    /** When each of our records (by key) was last multicast. */
    private final Map<String, Long> multicastAt = new HashMap<>();

    enum State {
        PROBING,
        ANNOUNCING,
        ESTABLISHED,
        CLOSED
    }

    /** One advertised instance. */
    static final class Service {
        final String type;
        final String base;
        final int port;
        String instance;
        int suffix = 1;
        Map<String, String> txt;
        State state = State.PROBING;
        int steps;
        long nextStep;
        final CompletableFuture<String> established = new CompletableFuture<>();

        Service(String type, String instance, int port, Map<String, String> txt) {
            this.type = type;
            this.base = instance;
            this.instance = instance;
            this.port = port;
            this.txt = Map.copyOf(txt);
        }

        String fqdn() {
            return DnsMessage.lower(instance) + "." + DnsMessage.lower(type);
        }
    }

    MdnsResponder(InetAddress address, String hostName) {
        this.address = address;
        this.hostBase = hostName;
        this.host = hostName + ".local.";
    }

    Service add(String type, String instance, int port, Map<String, String> txt, long now) {
        Service s = new Service(type, instance, port, txt);
        s.nextStep = now;
        services.add(s);
        return s;
    }

    /** A new TXT record for an established service: announced twice (RFC 6762 8.4). */
    void updateText(Service s, Map<String, String> txt, long now) {
        s.txt = Map.copyOf(txt);
        if (s.state == State.ESTABLISHED) {
            s.state = State.ANNOUNCING;
            s.steps = 0;
            s.nextStep = now;
        }
    }

    /** Probes and announcements that are due, as messages to multicast. */
    void tick(long now, List<byte[]> out) {
        for (Service s : services) {
            if (s.state == State.PROBING && now - s.nextStep >= 0) {
                if (s.steps < 3) {
                    DnsWriter probe = new DnsWriter(0, false)
                            .question(s.instance, s.type, DnsMessage.TYPE_ANY, false)
                            .question(null, host, DnsMessage.TYPE_ANY, false)
                            .section(2);
                    srv(probe, s, SERVICE_TTL);
                    txt(probe, s, SERVICE_TTL);
                    probe.a(host, HOST_TTL, address);
                    out.add(probe.bytes());
                    s.steps++;
                    s.nextStep = now + PROBE_INTERVAL;
                } else {
                    s.state = State.ANNOUNCING;
                    s.steps = 0;
                }
            }
            if (s.state == State.ANNOUNCING && now - s.nextStep >= 0) {
                DnsWriter announce = new DnsWriter(0, true).section(1);
                all(announce, s, now);
                out.add(announce.bytes());
                s.nextStep = now + SECOND;
                s.established.complete(s.instance); // announced: others can see it (the second is a repeat)
                if (++s.steps == 2) {
                    s.state = State.ESTABLISHED;
                }
            }
        }
    }

    /** The records of every service with TTL 0 (RFC 6762 10.1), to multicast when closing. */
    byte[] goodbye() {
        DnsWriter bye = new DnsWriter(0, true).section(1);
        boolean any = false;
        for (Service s : services) {
            if (s.state != State.PROBING) {
                bye.ptr(s.type, 0, s.instance, s.type);
                srv(bye, s, 0);
                txt(bye, s, 0);
                any = true;
            }
            s.state = State.CLOSED;
        }
        return any ? bye.bytes() : null;
    }

    /** Another host's response: a record of one of our names with other data is a conflict (RFC 6762 9). */
    void onResponse(List<DnsMessage.Record> records, long now) {
        for (DnsMessage.Record r : records) {
            if (r.ttl() == 0) {
                continue;
            }
            if (r.type() == DnsMessage.TYPE_A
                    && r.name().equals(DnsMessage.lower(host))
                    && !address.equals(r.address())) {
                host = hostBase + "-" + (++hostSuffix) + ".local.";
                services.forEach(s -> reprobe(s, now));
                return;
            }
            for (Service s : services) {
                boolean conflict = r.name().equals(s.fqdn())
                        && (r.type() == DnsMessage.TYPE_SRV
                                        && (r.port() != s.port
                                                || !DnsMessage.lower(host).equals(r.target()))
                                || r.type() == DnsMessage.TYPE_TXT && !sameText(r.txt(), s.txt));
                if (conflict && s.state != State.CLOSED) {
                    s.instance = s.base + " (" + (++s.suffix) + ")";
                    reprobe(s, now);
                }
            }
        }
    }

    private static void reprobe(Service s, long now) {
        if (s.state != State.CLOSED) {
            s.state = State.PROBING;
            s.steps = 0;
            s.nextStep = now;
        }
    }

    /**
     * The answer to a query, or null: records asked for less the known answers, plus additional
     * records; {@code legacy} answers a one-shot querier by unicast (id and the questions answered
     * echoed, TTL 10 s). Only our own names are written back, never a name from the query.
     */
    byte[] answer(DnsMessage query, boolean legacy, long now) {
        List<String> known = new ArrayList<>();
        for (DnsMessage.Record r : query.records()) {
            known.add(r.name() + "/" + r.type() + "/" + Objects.toString(r.target(), "") + "/" + r.ttl());
        }
        List<Consumer<DnsWriter>> questions = new ArrayList<>();
        List<Consumer<DnsWriter>> answers = new ArrayList<>();
        List<Service> additional = new ArrayList<>();
        boolean hostAdditional = false;
        for (DnsMessage.Question q : query.questions()) {
            boolean anyType = q.type() == DnsMessage.TYPE_ANY;
            Consumer<DnsWriter> echo = null;
            for (Service s : services) {
                if (s.state != State.ESTABLISHED && s.state != State.ANNOUNCING) {
                    continue;
                }
                String type = DnsMessage.lower(s.type);
                if (q.name().equals(type) && (anyType || q.type() == DnsMessage.TYPE_PTR)) {
                    if (fresh(
                            "ptr " + s.fqdn(), type, DnsMessage.TYPE_PTR, s.fqdn(), SERVICE_TTL, known, legacy, now)) {
                        answers.add(w -> w.ptr(s.type, ttl(SERVICE_TTL, legacy), s.instance, s.type));
                        additional.add(s);
                        echo = w -> w.question(null, s.type, q.type(), false);
                    }
                } else if (q.name().equals(SERVICES) && (anyType || q.type() == DnsMessage.TYPE_PTR)) {
                    if (fresh("types " + type, SERVICES, DnsMessage.TYPE_PTR, type, SERVICE_TTL, known, legacy, now)) {
                        answers.add(w -> w.ptr(SERVICES, ttl(SERVICE_TTL, legacy), null, s.type));
                        echo = w -> w.question(null, SERVICES, q.type(), false);
                    }
                } else if (q.name().equals(s.fqdn())) {
                    boolean srv = (anyType || q.type() == DnsMessage.TYPE_SRV)
                            && fresh(
                                    "srv " + s.fqdn(),
                                    s.fqdn(),
                                    DnsMessage.TYPE_SRV,
                                    null,
                                    SERVICE_TTL,
                                    known,
                                    legacy,
                                    now);
                    boolean txt = (anyType || q.type() == DnsMessage.TYPE_TXT)
                            && fresh(
                                    "txt " + s.fqdn(),
                                    s.fqdn(),
                                    DnsMessage.TYPE_TXT,
                                    null,
                                    SERVICE_TTL,
                                    known,
                                    legacy,
                                    now);
                    if (srv) {
                        answers.add(w -> srv(w, s, ttl(SERVICE_TTL, legacy)));
                        hostAdditional = true;
                    }
                    if (txt) {
                        answers.add(w -> txt(w, s, ttl(SERVICE_TTL, legacy)));
                    }
                    if (srv || txt) {
                        echo = w -> w.question(s.instance, s.type, q.type(), false);
                    }
                }
            }
            if (q.name().equals(DnsMessage.lower(host))
                    && (anyType || q.type() == DnsMessage.TYPE_A)
                    && fresh("a", q.name(), DnsMessage.TYPE_A, null, HOST_TTL, known, legacy, now)) {
                String h = host;
                answers.add(w -> w.a(h, ttl(HOST_TTL, legacy), address));
                echo = w -> w.question(null, h, q.type(), false);
            }
            if (echo != null) {
                questions.add(echo);
            }
        }
        if (answers.isEmpty()) {
            return null;
        }
        DnsWriter w = new DnsWriter(legacy ? query.id() : 0, true);
        if (legacy) {
            questions.forEach(q -> q.accept(w));
        }
        w.section(1);
        answers.forEach(a -> a.accept(w));
        w.section(3);
        for (Service s : additional) {
            srv(w, s, ttl(SERVICE_TTL, legacy));
            txt(w, s, ttl(SERVICE_TTL, legacy));
            hostAdditional = true;
        }
        if (hostAdditional) {
            w.a(host, ttl(HOST_TTL, legacy), address);
        }
        return w.bytes();
    }

    /**
     * Whether a record goes in the answer: not listed as a known answer with at least half our TTL
     * (RFC 6762 7.1), and (multicast) not sent within the last second (6.2). Marks it sent.
     */
    private boolean fresh(
            String key, String name, int type, String target, long ttl, List<String> known, boolean legacy, long now) {
        String prefix = name + "/" + type + "/" + Objects.toString(target, "") + "/";
        for (String k : known) {
            if (k.startsWith(prefix) && Long.parseLong(k.substring(prefix.length())) >= ttl / 2) {
                return false;
            }
        }
        if (legacy) {
            return true;
        }
        Long last = multicastAt.get(key);
        if (last != null && now - last < SECOND) {
            return false;
        }
        multicastAt.put(key, now);
        return true;
    }

    /** Whether TXT strings say what our key=value map says (in any order). */
    private static boolean sameText(List<String> strings, Map<String, String> txt) {
        Set<String> ours = new HashSet<>();
        txt.forEach((k, v) -> ours.add(k + "=" + v));
        Set<String> theirs = new HashSet<>(strings);
        theirs.remove("");
        return ours.equals(theirs);
    }

    private static long ttl(long ttl, boolean legacy) {
        return legacy ? Math.min(ttl, 10) : ttl;
    }

    /** Every record of a service, as an announcement carries them. */
    private void all(DnsWriter w, Service s, long now) {
        w.ptr(s.type, SERVICE_TTL, s.instance, s.type);
        w.ptr(SERVICES, SERVICE_TTL, null, s.type);
        srv(w, s, SERVICE_TTL);
        txt(w, s, SERVICE_TTL);
        w.a(host, HOST_TTL, address);
        for (String key : List.of(
                "ptr " + s.fqdn(), "types " + DnsMessage.lower(s.type), "srv " + s.fqdn(), "txt " + s.fqdn(), "a")) {
            multicastAt.put(key, now);
        }
    }

    private void srv(DnsWriter w, Service s, long ttl) {
        w.srv(s.instance, s.type, ttl, s.port, host);
    }

    private static void txt(DnsWriter w, Service s, long ttl) {
        w.txt(s.instance, s.type, ttl, s.txt);
    }
}
