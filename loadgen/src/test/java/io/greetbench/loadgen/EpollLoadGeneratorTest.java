package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** The generator's suite on raw Linux sockets and epoll. */
class EpollLoadGeneratorTest extends LoadGeneratorSuite {

    @Override
    IoEngine engine() {
        return IoEngine.EPOLL;
    }

    @Test
    void autoShouldTakeEpollOnThisJdk() {
        // The build and the tests run on the JDK 25 toolchain with native access granted, on Linux.
        assertNull(IoEngine.epollUnavailableReason());
        assertEquals(IoEngine.EPOLL, IoEngine.AUTO.resolved());
    }

    /**
     * Every native call catches the {@code Throwable} of {@code invokeExact}; an {@link Error} among
     * them must reach the worker as it is. The class is compiled for JDK 22, so the tests (compiled
     * for 21) reach its helper by reflection.
     */
    @Test
    void shouldNeverWrapAnErrorOfTheNativeBinding() throws ReflectiveOperationException {
        Method unexpected = Class.forName(EpollLoadGeneratorTest.class.getPackageName() + ".EpollSocketIo")
                .getDeclaredMethod("unexpected", Throwable.class);
        unexpected.setAccessible(true);
        for (Error error : new Error[] {new OutOfMemoryError("test"), new StackOverflowError(), new UnsatisfiedLinkError("test")}) {
            InvocationTargetException thrown = assertThrows(InvocationTargetException.class, () -> unexpected.invoke(null, error));
            assertSame(error, thrown.getCause(), "rethrown as it is");
        }
        IllegalArgumentException unchecked = new IllegalArgumentException("test");
        assertSame(unchecked, unexpected.invoke(null, unchecked));
        IOException checked = new IOException("test");
        RuntimeException wrapped = assertInstanceOf(IllegalStateException.class, unexpected.invoke(null, checked));
        assertSame(checked, wrapped.getCause());
    }
}
