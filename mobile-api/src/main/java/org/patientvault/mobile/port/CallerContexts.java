package org.patientvault.mobile.port;

/**
 * Lets work started by a request continue on another thread <em>as the same caller</em> (an asynchronous export):
 * {@link #capture()} on the request thread, {@link Captured#run(Runnable)} on the worker. Inside {@code run} the
 * other ports ({@link CallerRecords}, {@link CallerImages}, {@link CallerIdentity}) act exactly as on the request
 * thread: the same authorization rules, consent decisions and audit, because they dispatch as the captured caller.
 *
 * <p>Nothing of the request's body or credentials travels: only the authenticated principal (already validated by the
 * resource server) and the request's address and {@code Accept-Language}. Cost: a few object copies.
 */
public interface CallerContexts {

    /**
     * The caller of the current request, for later use on any thread.
     *
     * @throws IllegalStateException outside an authenticated HTTP request
     */
    Captured capture();

    /** A captured caller. */
    interface Captured {

        /** Runs {@code work} on the current thread as the captured caller, then restores the thread's context. */
        void run(Runnable work);
    }
}
