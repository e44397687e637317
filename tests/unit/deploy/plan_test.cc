#include "pipeline/plan.h"

#include <gtest/gtest.h>

#include "golden.h"

namespace fleetlake {
namespace {

using testing::FixtureConfig;

const PlanTask* Find(const Plan& plan, const std::string& id) {
  for (const auto& t : plan.tasks) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

TEST(PlanTest, GoldenJsonAndText) {
  Plan plan = BuildPlan(FixtureConfig(), {"/etc/fleetlake/fleet.yaml", {"run.retries=3"}});
  testing::ExpectGolden("plan.json", PlanToJson(plan));
  testing::ExpectGolden("plan.txt", PlanToText(plan));
}

TEST(PlanTest, GraphIsFetchProcessCrawlPerEntityMarts) {
  Config config = FixtureConfig();
  Plan plan = BuildPlan(config, {"c.yaml", {}});
  ASSERT_EQ(plan.tasks.size(), 5u);
  EXPECT_EQ(plan.tasks[0].id, "fetch_data");
  EXPECT_TRUE(plan.tasks[0].upstream.empty());
  EXPECT_EQ(Find(plan, "process_data")->upstream, std::vector<std::string>{"fetch_data"});
  for (const auto& e : config.entities) {
    const PlanTask* crawl = Find(plan, "crawl_" + e.name);
    ASSERT_NE(crawl, nullptr) << e.name;
    EXPECT_EQ(crawl->entity, e.name);
    EXPECT_EQ(crawl->upstream, std::vector<std::string>{"process_data"});
    EXPECT_EQ(crawl->args, (std::vector<std::string>{"crawl", "--config", "c.yaml", "--date",
                                                     "{{ ds }}", "--entity", e.name}));
  }
  EXPECT_EQ(Find(plan, "build_marts")->upstream,
            (std::vector<std::string>{"crawl_vehicle", "crawl_operating_period"}));
  // marts rebuilds from the whole warehouse: no date.
  EXPECT_EQ(Find(plan, "build_marts")->args,
            (std::vector<std::string>{"marts", "--config", "c.yaml"}));
}

TEST(PlanTest, NewEntityIsANewCrawlTask) {
  Config config = FixtureConfig();
  EntityConfig extra = config.entities[0];
  extra.name = "station";
  config.entities.push_back(extra);
  Plan plan = BuildPlan(config, {"c.yaml", {}});
  ASSERT_NE(Find(plan, "crawl_station"), nullptr);
  EXPECT_EQ(Find(plan, "build_marts")->upstream.back(), "crawl_station");
  EXPECT_EQ(plan.entities.back(), "station");
}

TEST(PlanTest, NoMartsNoMartsTask) {
  Config config = FixtureConfig();
  config.marts.clear();
  Plan plan = BuildPlan(config, {"c.yaml", {}});
  EXPECT_EQ(Find(plan, "build_marts"), nullptr);
  EXPECT_EQ(plan.tasks.size(), 4u);
  EXPECT_NE(PlanToJson(plan).find("\"marts\": []"), std::string::npos);
}

TEST(PlanTest, SetsAndDateTemplateReachEveryCommand) {
  Plan plan = BuildPlan(FixtureConfig(), {"c.yaml", {"lake.uri=s3://b/x", "a=\"q\""}, "$DAY"});
  for (const auto& t : plan.tasks) {
    std::string joined;
    for (const auto& a : t.args) joined += a + " ";
    EXPECT_NE(joined.find("--set lake.uri=s3://b/x --set a=\"q\""), std::string::npos) << joined;
    if (t.command != "marts") {
      EXPECT_NE(joined.find("--date $DAY"), std::string::npos) << joined;
    }
  }
  // JSON escapes the quotes; the text form quotes for the shell.
  EXPECT_NE(PlanToJson(plan).find(R"("a=\"q\"")"), std::string::npos);
  EXPECT_NE(PlanToText(plan).find("'$DAY'"), std::string::npos);
  EXPECT_EQ(plan.retries, 2);
}

}  // namespace
}  // namespace fleetlake
