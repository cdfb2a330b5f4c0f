/** JMH micro-benchmarks of the media path: SRTP per packet size and profile, the gateway fan-out. */
package dev.lancast.bench.jmh;
