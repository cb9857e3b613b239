using OpenChat.Web.Chats;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Chats;

[Trait("Category", TestCategories.Unit)]
public sealed class ChatTitleTests
{
    [Theory]
    [InlineData("Short question", "Short question")]
    [InlineData("  several\n\nlines\tof   text  ", "several lines of text")]
    [InlineData("", "New chat")]
    [InlineData("What is the best way to learn functional programming if I already know C# well and have a month?",
        "What is the best way to learn functional programming if I")]
    [InlineData("Supercalifragilisticexpialidocious_supercalifragilisticexpialidocious_and_more_words",
        "Supercalifragilisticexpialidocious_supercalifragilisticexpia")]
    public void The_automatic_title_is_the_first_message_on_one_line_cut_at_a_word(string message, string title)
    {
        Assert.Equal(title, ChatTitle.FromFirstMessage(message));
        Assert.True(ChatTitle.FromFirstMessage(message).Length <= ChatTitle.AutomaticLength);
        Assert.False(ChatTitle.FromFirstMessage(message).EndsWith('…'));
    }
}
