package profile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/piazza-pa/piazza/platform"
	"github.com/piazza-pa/piazza/platform/auth"
)

// Message is one member's message to another, as either of them sees it.
type Message struct {
	bun.BaseModel `bun:"table:messages,alias:msg"`

	ID          int64      `bun:"id,pk,autoincrement"`
	SenderID    int64      `bun:"sender_id"`
	RecipientID int64      `bun:"recipient_id"`
	ReplyTo     *int64     `bun:"reply_to"`
	Body        string     `bun:"body"`
	CreatedAt   time.Time  `bun:"created_at,nullzero,default:now()"`
	ReadAt      *time.Time `bun:"read_at"`

	SenderName    string `bun:"sender_name,scanonly"`
	RecipientName string `bun:"recipient_name,scanonly"`
}

// The limits of messages: the length of one, and how many a member sends
// in an hour (a guard against using the site to spam its members).
const (
	MaxMessage = 4000
	PerHour    = 10
)

// Errors of messages.
var (
	ErrMessageNotFound = platform.NewError(platform.ErrNotFound, "no such message")
	ErrContactOff      = platform.NewKeyedError(platform.ErrForbidden, "profile.error.contact_off",
		"this person does not accept messages")
	ErrContactSelf = platform.NewKeyedError(platform.ErrConflict, "profile.error.contact_self", "a message to oneself")
	// ErrContactLimit is a message over PerHour: 429 Too Many Requests.
	ErrContactLimit = platform.NewKeyedError(fiber.ErrTooManyRequests, "profile.error.contact_limit",
		"too many messages sent in the last hour")
)

// selectMessages is the query of messages with their people's names.
func selectMessages(tx bun.IDB, dst any) *bun.SelectQuery {
	return tx.NewSelect().Model(dst).ColumnExpr("msg.*").
		ColumnExpr(auth.NameSQL("s") + " AS sender_name").ColumnExpr(auth.NameSQL("r") + " AS recipient_name").
		Join("JOIN users AS s ON s.id = msg.sender_id").Join("JOIN users AS r ON r.id = msg.recipient_id")
}

// messagesOf lists uid's latest messages received (to true) or sent.
func messagesOf(ctx context.Context, tx bun.IDB, uid int64, to bool, limit int) ([]Message, error) {
	col := "msg.sender_id"
	if to {
		col = "msg.recipient_id"
	}
	var ms []Message
	err := selectMessages(tx, &ms).Where(col+" = ?", uid).OrderExpr("msg.created_at DESC, msg.id DESC").
		Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("messages: %w", err)
	}
	return ms, nil
}

// unread lists the messages uid has not read, oldest first.
func unread(ctx context.Context, tx bun.IDB, uid int64, limit int) ([]Message, error) {
	var ms []Message
	err := selectMessages(tx, &ms).Where("msg.recipient_id = ? AND msg.read_at IS NULL", uid).
		OrderExpr("msg.created_at, msg.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("unread messages: %w", err)
	}
	return ms, nil
}

// message returns message id when uid wrote or received it.
func message(ctx context.Context, tx bun.IDB, uid, id int64) (*Message, error) {
	msg := new(Message)
	err := selectMessages(tx, msg).Where("msg.id = ? AND ? IN (msg.sender_id, msg.recipient_id)", id, uid).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrMessageNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("message: %w", err)
	}
	return msg, nil
}

// markRead records that the recipient read message id.
func markRead(ctx context.Context, tx bun.IDB, id int64) error {
	_, err := tx.NewUpdate().Model((*Message)(nil)).Set("read_at = now()").Where("id = ? AND read_at IS NULL", id).Exec(ctx)
	return err
}

// insertMessage records msg, once sender's messages of the last hour are
// counted under a lock of their own (two at once cannot both pass the
// limit).
func insertMessage(ctx context.Context, tx bun.IDB, msg *Message) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || '/messages/' || ?, 0))",
		msg.SenderID); err != nil {
		return fmt.Errorf("lock sender: %w", err)
	}
	n, err := tx.NewSelect().Model((*Message)(nil)).
		Where("sender_id = ? AND created_at > now() - interval '1 hour'", msg.SenderID).Count(ctx)
	if err != nil {
		return fmt.Errorf("count messages: %w", err)
	}
	if n >= PerHour {
		return ErrContactLimit
	}
	if _, err := tx.NewInsert().Model(msg).Returning("id, created_at").Exec(ctx); err != nil {
		return fmt.Errorf("record message: %w", err)
	}
	return nil
}
