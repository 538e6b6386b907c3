package org.patientvault.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DESIGN: no io.minio (or S3Proxy) type leaves this module through a public signature. */
class PublicApiTest {

    static final List<Class<?>> PUBLIC_TYPES = List.of(ObjectStore.class, MinioObjectStore.class, S3Settings.class,
            EncryptedObjectStore.class, VaultBinaryStorageSvc.class, OrphanReconciler.class, ReconcileReport.class,
            EmbeddedS3Server.class, ObjectInfo.class, StoredObject.class, StorageException.class,
            StorageUnavailableException.class, StorageInputException.class, ObjectNotFoundException.class,
            ObjectIntegrityException.class, OwnerKeyDestroyedException.class, StorageConfigException.class);

    @Test
    void noSdkTypeInAnyPublicSignature() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : PUBLIC_TYPES) {
            check(c.getName(), c.getGenericSuperclass(), leaks);
            for (Type t : c.getGenericInterfaces()) {
                check(c.getName(), t, leaks);
            }
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers())) {
                    check(c.getSimpleName() + "." + m.getName(), m.getGenericReturnType(), leaks);
                    for (Type p : m.getGenericParameterTypes()) {
                        check(c.getSimpleName() + "." + m.getName(), p, leaks);
                    }
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (Modifier.isPublic(k.getModifiers())) {
                    for (Type p : k.getGenericParameterTypes()) {
                        check(c.getSimpleName() + ".<init>", p, leaks);
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
        assertThat(PUBLIC_TYPES).allMatch(c -> c.getPackageName().equals("org.patientvault.storage"));
    }

    private static void check(String where, Type t, List<String> leaks) {
        if (t == null) {
            return;
        }
        String name = t.getTypeName();
        if (name.contains("io.minio") || name.contains("org.gaul") || name.contains("okhttp3")) {
            leaks.add(where + " exposes " + name);
        }
    }
}
