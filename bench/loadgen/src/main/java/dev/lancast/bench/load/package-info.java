/** The WHEP load generator: many viewers from one process, cheap per packet, bounded in count and time. */
package dev.lancast.bench.load;
