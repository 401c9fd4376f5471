package io.greetbench.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The order in which each round visits the lineup: every server once per round, in an order
 * shuffled afresh for each round, so that no server always runs first (on a cooler machine) or
 * right after the same neighbour (whose JIT or GC may still be busy on the server CPUs). The
 * shuffle is seeded and the seed recorded, so a run's order can be repeated.
 *
 * <p>A pure function; stateless.
 */
final class RoundOrder {

    private RoundOrder() {
    }

    /**
     * @param servers how many servers are in the lineup, indexed from 0
     * @param rounds  how many rounds
     * @param seed    the same seed gives the same orders
     * @return one list per round, each a permutation of {@code 0 .. servers-1}
     */
    static List<List<Integer>> of(int servers, int rounds, long seed) {
        if (servers < 0 || rounds < 0) {
            throw new IllegalArgumentException("servers and rounds must be >= 0, got " + servers + " and " + rounds);
        }
        Random random = new Random(seed);
        List<List<Integer>> order = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            List<Integer> round = new ArrayList<>(IntStream.range(0, servers).boxed().toList());
            Collections.shuffle(round, random);
            order.add(List.copyOf(round));
        }
        return List.copyOf(order);
    }
}
