using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Accounts;

[Trait("Category", TestCategories.Unit)]
public sealed class AccountServiceTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMembers _members = new();
    private readonly SignInThrottle _throttle;

    // Fewer PBKDF2 iterations than production: these tests hash dozens of times.
    private readonly PasswordHasher<Member> _hasher = new(Options.Create(new PasswordHasherOptions { IterationCount = 1_000 }));
    private readonly AccountService _accounts;

    public AccountServiceTests()
    {
        _throttle = new SignInThrottle(_clock, Options.Create(new SignInThrottleOptions()), NullLogger<SignInThrottle>.Instance);
        _accounts = new AccountService(_members, _hasher, _throttle, _clock, NullLogger<AccountService>.Instance);
    }

    private const string Here = "203.0.113.1";
    private const string Elsewhere = "198.51.100.2";

    [Fact]
    public async Task Failures_slow_down_only_the_failing_address_with_doubling_waits()
    {
        await _accounts.SignUpAsync("Lou", "lou@example.com", "right password", Here, CancellationToken.None);
        for (var i = 1; i <= SignInThrottle.FreeFailures; i++)
        {
            Assert.Equal(AccountService.Mismatch, (await _accounts.SignInAsync("LOU@example.com", "wrong", Here, CancellationToken.None)).FormError);
        }

        // The first failure past the free ones: still the usual answer, then a 1 s wait before the next try.
        Assert.Equal(AccountService.Mismatch, (await _accounts.SignInAsync("lou@example.com", "wrong", Here, CancellationToken.None)).FormError);
        var waiting = await _accounts.SignInAsync("lou@example.com", "right password", Here, CancellationToken.None);
        Assert.False(waiting.Succeeded);
        Assert.Equal("Too many failed attempts for this email from your network. Wait 1 second before trying again.", waiting.FormError);
        Assert.Equal(TimeSpan.FromSeconds(1), waiting.RetryAfter);

        // Someone at another address, with the right password, is never held up.
        Assert.True((await _accounts.SignInAsync("lou@example.com", "right password", Elsewhere, CancellationToken.None)).Succeeded);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AccountService.Mismatch, (await _accounts.SignInAsync("lou@example.com", "wrong", Here, CancellationToken.None)).FormError);
        Assert.Equal(TimeSpan.FromSeconds(2), (await _accounts.SignInAsync("lou@example.com", "wrong", Here, CancellationToken.None)).RetryAfter);

        // Sign-up with the right password is a sign-in too, and waits the same way.
        var viaSignUp = await _accounts.SignUpAsync("Lou", "lou@example.com", "right password", Here, CancellationToken.None);
        Assert.False(viaSignUp.Succeeded);
        Assert.StartsWith("Too many failed attempts", viaSignUp.FormError, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await _accounts.SignInAsync("lou@example.com", "right password", Here, CancellationToken.None)).Succeeded);
        Assert.Equal(AccountService.Mismatch, (await _accounts.SignInAsync("lou@example.com", "wrong", Here, CancellationToken.None)).FormError);
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(6, 4)]
    [InlineData(13, 512)]
    [InlineData(14, 900)]
    [InlineData(40, 900)]
    public void Waits_double_from_one_second_up_to_fifteen_minutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SignInThrottle.DelayAfter(failures, TimeSpan.FromSeconds(1)));

    [Fact]
    public async Task An_address_is_forgiven_an_hour_after_its_last_failure()
    {
        await _accounts.SignUpAsync("Max", "max@example.com", "right password", Here, CancellationToken.None);
        for (var i = 0; i < SignInThrottle.FreeFailures + 1; i++)
        {
            await _accounts.SignInAsync("max@example.com", "wrong", Here, CancellationToken.None);
        }

        _clock.Advance(SignInThrottle.ForgetAfter);
        for (var i = 0; i < SignInThrottle.FreeFailures; i++)
        {
            var result = await _accounts.SignInAsync("max@example.com", "wrong", Here, CancellationToken.None);
            Assert.Equal(AccountService.Mismatch, result.FormError);
            Assert.Null(result.RetryAfter);
        }

        Assert.True((await _accounts.SignInAsync("max@example.com", "right password", Here, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Unknown_emails_are_slowed_down_too_so_a_wait_says_nothing_about_an_account()
    {
        for (var i = 0; i < SignInThrottle.FreeFailures + 1; i++)
        {
            Assert.Equal(AccountService.Mismatch, (await _accounts.SignInAsync("ghost@example.com", "wrong", Here, CancellationToken.None)).FormError);
        }

        Assert.StartsWith("Too many failed attempts", (await _accounts.SignInAsync("ghost@example.com", "wrong", Here, CancellationToken.None)).FormError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_up_with_a_taken_email_and_another_password_counts_as_a_failed_attempt()
    {
        await _accounts.SignUpAsync("Kim", "kim@example.com", "right password", Here, CancellationToken.None);
        for (var i = 0; i < SignInThrottle.FreeFailures + 1; i++)
        {
            var refused = await _accounts.SignUpAsync("Kim", "KIM@example.com", $"guess number {i}", Here, CancellationToken.None);
            Assert.Equal(AccountService.SignUpRefused, refused.FormError);
        }

        Assert.StartsWith("Too many failed attempts", (await _accounts.SignUpAsync("Kim", "kim@example.com", "guess number 5", Here, CancellationToken.None)).FormError, StringComparison.Ordinal);
        Assert.True((await _accounts.SignInAsync("kim@example.com", "right password", Elsewhere, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one()
    {
        var member = (await _accounts.SignUpAsync("Pam", "pam@example.com", "old password", Here, CancellationToken.None)).Member!;

        var wrong = await _accounts.ChangePasswordAsync(member.Id, "not it", "new password", Here, CancellationToken.None);
        Assert.Equal(AccountService.WrongCurrentPassword, wrong.FieldErrors["current"]);
        var tooShort = await _accounts.ChangePasswordAsync(member.Id, "old password", "short", Here, CancellationToken.None);
        Assert.Equal("Use at least 8 characters for your password.", tooShort.FieldErrors["password"]);
        Assert.True((await _accounts.ChangePasswordAsync(member.Id, "old password", "new password", Here, CancellationToken.None)).Succeeded);

        Assert.False((await _accounts.SignInAsync("pam@example.com", "old password", Elsewhere, CancellationToken.None)).Succeeded);
        Assert.True((await _accounts.SignInAsync("pam@example.com", "new password", Elsewhere, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Changing_the_email_needs_the_password_and_an_email_nobody_else_has()
    {
        var member = (await _accounts.SignUpAsync("Eve", "eve@example.com", "eve password", Here, CancellationToken.None)).Member!;
        await _accounts.SignUpAsync("Ann", "ann@example.com", "ann password", Here, CancellationToken.None);

        Assert.Equal(AccountService.WrongCurrentPassword, (await _accounts.ChangeEmailAsync(member.Id, "eve2@example.com", "wrong", Here, CancellationToken.None)).FieldErrors["email-current"]);
        Assert.Equal("Enter an email address like name@example.com.", (await _accounts.ChangeEmailAsync(member.Id, "eve", "eve password", Here, CancellationToken.None)).FieldErrors["email"]);
        Assert.False((await _accounts.ChangeEmailAsync(member.Id, "ANN@example.com", "eve password", Here, CancellationToken.None)).Succeeded);
        Assert.True((await _accounts.ChangeEmailAsync(member.Id, "eve.new@example.com", "eve password", Here, CancellationToken.None)).Succeeded);

        Assert.True((await _accounts.SignInAsync("eve.new@example.com", "eve password", Here, CancellationToken.None)).Succeeded);
        Assert.False((await _accounts.SignInAsync("eve@example.com", "eve password", Elsewhere, CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task An_old_format_hash_is_upgraded_at_the_next_sign_in()
    {
        var legacy = new PasswordHasher<Member>(Options.Create(new PasswordHasherOptions { CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV2 }));
        var member = new Member(Guid.NewGuid(), "old@example.com", "Old", "", _clock.GetUtcNow(), _clock.GetUtcNow());
        member = member with { PasswordHash = legacy.HashPassword(member, "old password") };
        await _members.CreateAsync(member, CancellationToken.None);

        var result = await _accounts.SignInAsync("old@example.com", "old password", Here, CancellationToken.None);

        Assert.True(result.Succeeded);
        var stored = (await _members.FindAsync(member.Id, CancellationToken.None))!;
        Assert.NotEqual(member.PasswordHash, stored.PasswordHash);
        Assert.Equal(0x01, Convert.FromBase64String(stored.PasswordHash)[0]);
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(stored, stored.PasswordHash, "old password"));
    }

    [Theory]
    [InlineData("        ", true)]
    [InlineData("1234567", false)]
    [InlineData("12345678", true)]
    [InlineData("👍👍👍👍👍👍👍", false)]
    [InlineData("👍👍👍👍👍👍👍👍", true)]
    public async Task Passwords_need_eight_characters_counted_as_people_see_them(string password, bool accepted)
    {
        var result = await _accounts.SignUpAsync("Pat", $"pat-{Guid.NewGuid():N}@example.com", password, Here, CancellationToken.None);
        Assert.Equal(accepted, result.Succeeded);
    }

    [Theory]
    [InlineData("Ada\u0000", false)]
    [InlineData("Ada\u202Eevil", false)]
    [InlineData("  Ada \t Lovelace  ", true)]
    [InlineData("👩‍💻 Ada", true)]
    public async Task Display_names_refuse_control_and_direction_characters(string name, bool accepted)
    {
        var result = await _accounts.SignUpAsync(name, $"n-{Guid.NewGuid():N}@example.com", "long enough", Here, CancellationToken.None);
        Assert.Equal(accepted, result.Succeeded);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class InMemoryMembers : IMemberRepository
    {
        private readonly Dictionary<Guid, Member> _members = [];

        public Task<bool> CreateAsync(Member member, CancellationToken cancellationToken)
        {
            if (_members.Values.Any(m => Member.NormalizeEmail(m.Email) == Member.NormalizeEmail(member.Email)))
            {
                return Task.FromResult(false);
            }

            _members[member.Id] = member;
            return Task.FromResult(true);
        }

        public Task<Member?> FindAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_members.GetValueOrDefault(id));

        public Task<Member?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
            Task.FromResult(_members.Values.FirstOrDefault(m => Member.NormalizeEmail(m.Email) == Member.NormalizeEmail(email)));

        public Task<bool> UpdateDisplayNameAsync(Guid id, string displayName, DateTimeOffset at, CancellationToken cancellationToken) =>
            Update(id, m => m with { DisplayName = displayName, UpdatedAt = at });

        public Task<bool> UpdateEmailAsync(Guid id, string email, DateTimeOffset at, CancellationToken cancellationToken) =>
            _members.Values.Any(m => m.Id != id && Member.NormalizeEmail(m.Email) == Member.NormalizeEmail(email))
                ? Task.FromResult(false)
                : Update(id, m => m with { Email = email, UpdatedAt = at });

        public Task<bool> UpdatePasswordHashAsync(Guid id, string passwordHash, DateTimeOffset at, CancellationToken cancellationToken) =>
            Update(id, m => m with { PasswordHash = passwordHash, UpdatedAt = at });

        public Task<int> TransferOwnershipAsync(string fromOwnerId, string toOwnerId, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_members.Remove(id));

        private Task<bool> Update(Guid id, Func<Member, Member> change)
        {
            if (!_members.TryGetValue(id, out var member))
            {
                return Task.FromResult(false);
            }

            _members[id] = change(member);
            return Task.FromResult(true);
        }
    }
}
