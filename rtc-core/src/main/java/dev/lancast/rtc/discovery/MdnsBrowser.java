package dev.lancast.rtc.discovery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Follows the instances of one DNS-SD service type on the link (RFC 6763), keeping only what that
 * needs: the type's PTR records, and the SRV, TXT and A records of the instances they name. Any
 * host on the link may send any number of records, so the cache is bounded: at most
 * {@code maxInstances} instances, at most {@value #MAX_PER_SOURCE} of them announced by one source
 * address other than loopback (a flood from one host cannot crowd the others out), at most {@value #MAX_ADDRESSES}
 * addresses per host, and no TTL longer than {@value #TTL_CEILING_SECONDS} s; records of other
 * types and names are not kept at all. Resolution never waits: the records come in the answers to
 * our queries (RFC 6762 5.2: the type's PTR at 1, 2, 4 ... up to {@value #MAX_QUERY_INTERVAL_SECONDS}
 * s, the instance records when missing or at 80 % of their TTL) and an instance is reported found
 * when it has all of them, lost when one expires. Instance names are made printable
 * ({@link Mdns#printable}). Called under the {@link Mdns} lock; events are handed to {@code deliver}.
 */
final class MdnsBrowser {
    static final int MAX_PER_SOURCE = 8;
    static final long TTL_CEILING_SECONDS = 4500;
    static final int MAX_ADDRESSES = 4;
    static final long MAX_QUERY_INTERVAL_SECONDS = 60;
    /** Instance records asked for in one query at most (a flood of half-resolved names costs one packet a tick). */
    static final int MAX_QUESTIONS = 16;
    /** Known answers in one query at most, so that it fits a datagram (the rest are simply answered again). */
    static final int MAX_KNOWN_ANSWERS = 16;

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final String type;
    private final int maxInstances;
    private final Mdns.Listener listener;
    private final Consumer<Runnable> deliver;
    /** By the instance's full name, lower case. */
    private final Map<String, Instance> instances = new LinkedHashMap<>();

    private final Map<InetAddress, Integer> perSource = new HashMap<>();
    /** The A records of the hosts that the instances' SRV records name. */
    private final Map<String, Host> hosts = new HashMap<>();

    private long ignored;
    private long nextQuery;
    private long queryInterval = SECOND;

    /** A cached record's lifetime: when it was refreshed, for how long. */
    private static final class Lease {
        long refreshed;
        long ttl;
        long asked;

        boolean alive(long now) {
            return ttl > 0 && now - refreshed < ttl;
        }

        /** Past 80 % of its life: time to ask again (RFC 6762 5.2), at most once a second. */
        boolean stale(long now) {
            return (!alive(now) || now - refreshed >= ttl / 5 * 4) && now - asked >= SECOND;
        }

        void renew(long now, long ttlSeconds) {
            refreshed = now;
            // A goodbye (TTL 0) ends the record a second later (RFC 6762 10.1).
            ttl = ttlSeconds == 0 ? SECOND : TimeUnit.SECONDS.toNanos(Math.min(ttlSeconds, TTL_CEILING_SECONDS));
        }
    }

    private static final class Instance {
        final String label;
        final InetAddress source;
        final Lease ptr = new Lease();
        final Lease srv = new Lease();
        final Lease txt = new Lease();
        int port;
        String host;
        Map<String, String> text = Map.of();
        DiscoveredService reported;

        Instance(String label, InetAddress source) {
            this.label = label;
            this.source = source;
        }
    }

    private static final class Host {
        final Map<InetAddress, Lease> addresses = new LinkedHashMap<>();
        final Lease asked = new Lease();
    }

    MdnsBrowser(String type, int maxInstances, Mdns.Listener listener, Consumer<Runnable> deliver, long now) {
        this.type = DnsMessage.lower(type);
        this.maxInstances = maxInstances;
        this.listener = listener;
        this.deliver = deliver;
        this.nextQuery = now;
    }

    String type() {
        return type;
    }

    /** Instance records not kept: past the cap of instances or of one source. */
    long ignored() {
        return ignored;
    }

    int instances() {
        return instances.size();
    }

    /** The records of a response from {@code source}. */
    void onResponse(List<DnsMessage.Record> records, InetAddress source, long now) {
        List<Instance> touched = new ArrayList<>();
        for (DnsMessage.Record r : records) {
            if (r.type() == DnsMessage.TYPE_PTR
                    && r.name().equals(type)
                    && r.target() != null
                    && r.target().endsWith("." + type)) {
                Instance i = ptr(r, source, now);
                if (i != null) {
                    touched.add(i);
                }
            }
        }
        for (DnsMessage.Record r : records) {
            Instance i = instances.get(r.name());
            if (i == null) {
                continue;
            }
            if (r.type() == DnsMessage.TYPE_SRV && r.port() > 0) {
                i.port = r.port();
                i.host = r.target();
                i.srv.renew(now, r.ttl());
                touched.add(i);
            } else if (r.type() == DnsMessage.TYPE_TXT) {
                i.text = text(r.txt());
                i.txt.renew(now, r.ttl());
                touched.add(i);
            }
        }
        boolean addresses = false;
        for (DnsMessage.Record r : records) {
            if (r.type() == DnsMessage.TYPE_A && referenced(r.name())) {
                addresses = true;
                Host h = hosts.computeIfAbsent(r.name(), n -> new Host());
                if (r.cacheFlush()) {
                    // This set replaces the others, once they are a second old (RFC 6762 10.2).
                    h.addresses.values().removeIf(l -> now - l.refreshed > SECOND);
                }
                if (h.addresses.containsKey(r.address()) || h.addresses.size() < MAX_ADDRESSES) {
                    h.addresses.computeIfAbsent(r.address(), a -> new Lease()).renew(now, r.ttl());
                }
            }
        }
        // Only the instances this response touched can have changed (an address touches all of its host's).
        if (addresses) {
            report(instances.values(), now);
        } else {
            report(touched, now);
        }
    }

    private Instance ptr(DnsMessage.Record r, InetAddress source, long now) {
        Instance i = instances.get(r.target());
        if (i == null) {
            if (r.ttl() == 0) {
                return null;
            }
            int fromSource = perSource.getOrDefault(source, 0);
            // Every process of this host speaks from the loopback address: no cap per source there.
            if (instances.size() >= maxInstances || fromSource >= MAX_PER_SOURCE && !source.isLoopbackAddress()) {
                ignored++;
                return null;
            }
            i = new Instance(Mdns.printable(r.label()), source);
            instances.put(r.target(), i);
            perSource.put(source, fromSource + 1);
        }
        i.ptr.renew(now, r.ttl());
        return i;
    }

    private boolean referenced(String host) {
        for (Instance i : instances.values()) {
            if (host.equals(i.host)) {
                return true;
            }
        }
        return false; // at most maxInstances to look at, and only for A records
    }

    /** Records expire; the next query, if one is due, into {@code query}. */
    void tick(long now, DnsWriter query) {
        Iterator<Map.Entry<String, Instance>> it = instances.entrySet().iterator();
        while (it.hasNext()) {
            Instance i = it.next().getValue();
            if (!i.ptr.alive(now)) {
                it.remove();
                perSource.computeIfPresent(i.source, (s, n) -> n <= 1 ? null : n - 1);
                if (i.reported != null) {
                    lost(i);
                }
            }
        }
        hosts.keySet().removeIf(h -> !referenced(h));
        for (Host h : hosts.values()) {
            h.addresses.values().removeIf(l -> !l.alive(now));
        }
        report(instances.values(), now);
        ask(now, query);
    }

    private void ask(long now, DnsWriter query) {
        int questions = 0;
        boolean typeDue = now - nextQuery >= 0;
        if (typeDue) {
            query.question(null, type, DnsMessage.TYPE_PTR, false);
            nextQuery = now + queryInterval;
            queryInterval = Math.min(queryInterval * 2, TimeUnit.SECONDS.toNanos(MAX_QUERY_INTERVAL_SECONDS));
        }
        for (Map.Entry<String, Instance> e : instances.entrySet()) {
            Instance i = e.getValue();
            if (questions >= MAX_QUESTIONS) {
                break;
            }
            if (i.srv.stale(now) || i.txt.stale(now)) {
                query.question(null, e.getKey(), DnsMessage.TYPE_SRV, false);
                query.question(null, e.getKey(), DnsMessage.TYPE_TXT, false);
                i.srv.asked = now;
                i.txt.asked = now;
                questions += 2;
            }
            if (i.host != null && questions < MAX_QUESTIONS) {
                Host h = hosts.computeIfAbsent(i.host, n -> new Host());
                boolean stale =
                        h.addresses.isEmpty() || h.addresses.values().stream().allMatch(l -> l.stale(now));
                if (stale && now - h.asked.asked >= SECOND) {
                    query.question(null, i.host, DnsMessage.TYPE_A, false);
                    h.asked.asked = now;
                    questions++;
                }
            }
        }
        if (typeDue) {
            // Known answers (RFC 6762 7.1): the PTRs with more than half their life left need no answer.
            query.section(1);
            int known = 0;
            for (Instance i : instances.values()) {
                long left = i.ptr.ttl - (now - i.ptr.refreshed);
                if (left > i.ptr.ttl / 2 && known++ < MAX_KNOWN_ANSWERS) {
                    query.ptr(type, TimeUnit.NANOSECONDS.toSeconds(left), i.label, type);
                }
            }
        }
    }

    /** Found for instances that have all their records and changed; lost for those that no longer do. */
    private void report(Iterable<Instance> which, long now) {
        for (Instance i : which) {
            DiscoveredService current = resolved(i, now);
            if (current == null) {
                if (i.reported != null) {
                    lost(i);
                }
            } else if (!current.equals(i.reported)) {
                i.reported = current;
                DiscoveredService found = current;
                deliver.accept(() -> listener.found(found));
            }
        }
    }

    private void lost(Instance i) {
        i.reported = null;
        String name = i.label;
        deliver.accept(() -> listener.lost(name));
    }

    private DiscoveredService resolved(Instance i, long now) {
        if (!i.ptr.alive(now) || !i.srv.alive(now) || !i.txt.alive(now) || i.host == null) {
            return null;
        }
        Host h = hosts.get(i.host);
        if (h == null) {
            return null;
        }
        List<InetAddress> addresses = new ArrayList<>();
        h.addresses.forEach((a, l) -> {
            if (l.alive(now)) {
                addresses.add(a);
            }
        });
        return addresses.isEmpty() ? null : new DiscoveredService(i.label, addresses, i.port, i.text);
    }

    /** A TXT record's strings as keys and values (RFC 6763 6.4: keys without case, the first of a key wins). */
    private static Map<String, String> text(List<String> strings) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : strings) {
            int eq = s.indexOf('=');
            String key = DnsMessage.lower(eq < 0 ? s : s.substring(0, eq));
            if (!key.isEmpty()) {
                out.putIfAbsent(Mdns.printable(key), eq < 0 ? "" : Mdns.printable(s.substring(eq + 1)));
            }
        }
        return out;
    }
}
