package org.patientvault.vault.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import jakarta.persistence.EntityManagerFactory;

/**
 * HAPI's JPA server on our DataSource (DESIGN §5). Settings that differ from HAPI's defaults say why.
 */
@Configuration(proxyBeanMethods = false)
@Import({JpaR4Config.class, HapiJpaConfig.class, JpaBatch2Config.class, Batch2JobsConfig.class,
        ThreadPoolFactoryConfig.class, SubscriptionChannelConfig.class})
class HapiJpaServerConfig {

    @Bean
    JpaStorageSettings storageSettings(FhirProperties props) {
        JpaStorageSettings s = new JpaStorageSettings();
        // UUIDs: ids cannot be guessed and do not leak how many records exist (DESIGN §4).
        s.setResourceServerIdStrategy(JpaStorageSettings.IdStrategyEnum.UUID);
        // Clients never choose ids: a PUT to a new id would let a caller probe for ids and pick guessable ones.
        s.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.NOT_ALLOWED);
        Long reuse = props.reuseSearchResultsMillis();
        s.setReuseCachedSearchResultsForMillis(reuse == 0 ? null : reuse);
        s.setEnforceReferentialIntegrityOnWrite(true);
        s.setEnforceReferentialIntegrityOnDelete(true);
        s.setAllowInlineMatchUrlReferences(true);
        s.setAutoCreatePlaceholderReferenceTargets(false);
        s.setExpungeEnabled(true);
        // HAPI 8.8 ignores every stored SearchParameter when this is false (not only overrides), and the vault's own
        // `quality` parameter must be live. Only admins may write SearchParameters (authorization rules).
        s.setDefaultSearchParamsCanBeOverridden(true);
        return s;
    }

    @Bean
    PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    // The IBinaryStorageSvc is the encrypted object store's adapter: objects.ObjectStorageConfig#binaryStorageSvc.

    @Bean(name = "entityManagerFactory")
    LocalContainerEntityManagerFactoryBean entityManagerFactory(ConfigurableListableBeanFactory beanFactory,
                                                                FhirContext fhirContext,
                                                                JpaStorageSettings storageSettings,
                                                                DataSource dataSource) {
        LocalContainerEntityManagerFactoryBean emf =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        emf.setPersistenceUnitName("HAPI_PU");
        emf.setDataSource(dataSource);
        Properties p = new Properties();
        p.put("hibernate.dialect", HapiFhirPostgresDialect.class.getName());
        p.put("hibernate.hbm2ddl.auto", "update");
        p.put("hibernate.search.enabled", "false");
        p.put("hibernate.format_sql", "false");
        p.put("hibernate.show_sql", "false");
        p.put("hibernate.jdbc.batch_size", "50");
        p.put("hibernate.order_inserts", "true");
        p.put("hibernate.order_updates", "true");
        p.put("hibernate.cache.use_query_cache", "false");
        p.put("hibernate.cache.use_second_level_cache", "false");
        p.put("hibernate.cache.use_structured_entries", "false");
        p.put("hibernate.cache.use_minimal_puts", "false");
        emf.setJpaProperties(p);
        return emf;
    }

    @Bean
    @Primary
    JpaTransactionManager transactionManager(EntityManagerFactory emf) {
        return new JpaTransactionManager(emf);
    }
}
