using System.Text.Json.Nodes;
using BatchFactory.Cli;

namespace BatchFactory.Tests.Cli.Explain;

public sealed class RequestDiffTests
{
    [Fact]
    public void Compare_SameRequests_FindsNothing()
    {
        Assert.Empty(RequestDiff.Compare(Request(), Request()));
    }

    [Fact]
    public void Compare_ChangedSetting_NamesTheSettingAndBothValues()
    {
        var lines = RequestDiff.Compare(Request(temperature: 0.7), Request(temperature: 0.2));

        var line = Assert.Single(lines);
        Assert.Equal("setting 'temperature': 0.7 stored, 0.2 in this entry's request", line);
    }

    [Fact]
    public void Compare_SettingSetOnlyNow_SaysItWasNotSetBefore()
    {
        var stored = Request();
        var missed = Request();
        missed["options"]!["seed"] = 7;

        Assert.Equal("setting 'seed': (not set) stored, 7 in this entry's request", Assert.Single(RequestDiff.Compare(stored, missed)));
    }

    [Fact]
    public void Compare_ChangedModel_NamesBothModels()
    {
        var line = Assert.Single(RequestDiff.Compare(Request(model: "gpt-4o-mini@openai"), Request(model: "gpt-4o@openai")));

        Assert.Equal("model: \"gpt-4o-mini@openai\" stored, \"gpt-4o@openai\" in this entry's request", line);
    }

    [Fact]
    public void Compare_ChangedSystemPrompt_SaysSystemPromptAndTheFirstDifferingCharacter()
    {
        var line = Assert.Single(RequestDiff.Compare(Request(system: "You are a poet."), Request(system: "You are a painter.")));

        Assert.StartsWith("system prompt: first differs at character 12 (line 1, column 12)", line);
        Assert.Contains("stored: \"You are a p|oet.\"", line);
        Assert.Contains("entry:  \"You are a p|ainter.\"", line);
    }

    [Fact]
    public void Compare_ChangedUserMessage_NamesTheMessageAndLineAndColumn()
    {
        var line = Assert.Single(RequestDiff.Compare(Request(user: "Topic: sea\nWrite four lines."), Request(user: "Topic: sea\nWrite five lines.")));

        Assert.StartsWith("message 2 (user): first differs at character 19 (line 2, column 8)", line);
        Assert.Contains("Topic: sea⏎Write f|our lines.", line);
        Assert.Contains("Topic: sea⏎Write f|ive lines.", line);
    }

    [Fact]
    public void FirstDifference_LongText_ShowsOnlyTheTextAroundIt()
    {
        var before = new string('a', 500) + "X" + new string('b', 500);
        var after = new string('a', 500) + "Y" + new string('b', 500);

        var text = RequestDiff.FirstDifference(before, after)!;

        Assert.StartsWith("first differs at character 501 (line 1, column 501)", text);
        Assert.Contains("stored: …" + new string('a', 30) + "|X" + new string('b', 39) + "…", text);
    }

    [Fact]
    public void FirstDifference_OneTextIsAPrefixOfTheOther_SaysWhichEnds()
    {
        Assert.Contains("the stored text ends there", RequestDiff.FirstDifference("abc", "abcd"));
    }

    [Fact]
    public void Compare_ExtraMessage_CountsMessagesAndNamesTheNewOne()
    {
        var missed = Request();
        missed["messages"]!.AsArray().Add(new JsonObject { ["content"] = "More.", ["role"] = "user" });

        var lines = RequestDiff.Compare(Request(), missed);

        Assert.Equal(["messages: 2 stored, 3 in this entry's request", "message 3 (user): only in this entry's request"], lines);
    }

    private static JsonObject Request(string model = "m@offline", string system = "Be brief.", string user = "Tell me about the sea.", double temperature = 0.5) => new()
    {
        ["messages"] = new JsonArray
        {
            new JsonObject { ["content"] = system, ["role"] = "system" },
            new JsonObject { ["content"] = user, ["role"] = "user" },
        },
        ["model"] = model,
        ["options"] = new JsonObject { ["temperature"] = temperature },
    };
}
